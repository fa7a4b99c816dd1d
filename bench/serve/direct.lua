-- wrk script: the same prompt sent straight to the backend's /api/chat (what the API itself calls)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model": "ftlab-micro", "messages": [{"role": "user", "content": "What is LoRA in two sentences?"}], "stream": false}'
