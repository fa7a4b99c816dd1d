-- wrk script for the serving lab's load test: every request POSTs one short prompt to /generate.
--   wrk -t2 -c16 -d10s --latency -s data/post.lua http://127.0.0.1:8000/generate
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"prompt":"What is LoRA?"}'
