// Driver for orphans.test.ts: the real ServingLabSession in a process of its own, so the test can kill
// it with -9 as a crash would. argv: MODEL_DIR. Prints {pids, backend, api} once both children run.
import { ServingLabSession } from '../../../../src/engines/labs/serving/session.js';

const session = new ServingLabSession({ ollamaHost: 'http://127.0.0.1:9', modelDir: process.argv[2], ports: { backend: 0, api: 0 } });
await session.toggleBackend();
await session.toggleApi();
process.stdout.write(JSON.stringify({ pids: session.childPids(), backend: session.state.backend.url, api: session.state.api.url, log: session.state.log }) + '\n');
setInterval(() => undefined, 1000);
