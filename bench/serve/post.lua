-- wrk script: POST a small JSON prompt to /generate
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"prompt": "What is LoRA in two sentences?"}'
