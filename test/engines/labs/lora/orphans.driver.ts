// Driver for orphans.test.ts: the real LoraLabSession training in a process of its own, so the test can
// kill it with -9. argv: CONTENT_ROOT VAL_FILE. Prints {training: true} after the first step.
import { LoraLabSession } from '../../../../src/engines/labs/lora/session.js';

const session = new LoraLabSession({ contentRoot: process.argv[2], evalLimit: 1, extraTrainArgs: ['--batch', '2', '--eval-every', '1', '--warmup', '0', '--val', process.argv[3]] });
session.setConfig({ steps: 5000 });
let said = false;
session.on('change', (s) => {
  if (!said && s.run?.status === 'training' && s.run.points.length >= 1) {
    said = true;
    process.stdout.write(JSON.stringify({ training: true }) + '\n');
  }
});
void session.start();
