// Starter of the serving lab: the course's first version of a serving API. It works on a good day, but
// the grader will find what it gets wrong. Fix it (or write your own in any language) until
// `ftlab lab verify serving -o start="node starter/server.mjs"` passes. Things to look at:
//   - the backend address is hard-coded (read OLLAMA_HOST), and so is the port (read PORT)
//   - /health says "healthy" even when the backend is down
//   - nothing checks the request body; errors come back as crashes, not JSON with a hint
//   - the response lacks done_reason, usage and latency_ms
import { createServer } from 'node:http';

const server = createServer(async (req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ status: 'healthy' }));
  }
  if (req.method === 'POST' && req.url === '/generate') {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = JSON.parse(raw);
    const reply = await fetch('http://localhost:11434/api/chat', {
      method: 'POST',
      body: JSON.stringify({ model: body.model ?? 'llama3.2', messages: [{ role: 'user', content: body.prompt }], stream: false }),
    });
    const data = await reply.json();
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ model: body.model ?? 'llama3.2', prompt: body.prompt, response: data.message.content }));
  }
  res.writeHead(404);
  res.end();
});

server.listen(Number(process.env.PORT ?? 8000), '127.0.0.1');
