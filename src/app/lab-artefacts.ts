// What the lab screens produced, for grading inside the app: the lab runner grades a step with the
// artefacts the lab's own screen made (the latest adapter the LoRA screen trained) instead of asking
// for the --adapter a shell user passes to `ftlab lab verify`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Where the LoRA lab screen keeps its runs (src/engines/labs/lora/session.ts writes there). */
export function loraRunsDir(home: string): string {
  return join(home, 'labs', 'lora', 'runs');
}

/** The newest complete adapter folder under the LoRA lab's runs, if any. */
export function latestLoraAdapter(home: string): string | undefined {
  const dir = loraRunsDir(home);
  if (!existsSync(dir)) return undefined;
  let best: { path: string; at: number } | undefined;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const weights = join(path, 'adapter_model.safetensors');
    if (!existsSync(join(path, 'adapter_config.json')) || !existsSync(weights)) continue;
    const at = statSync(weights).mtimeMs;
    if (!best || at > best.at) best = { path, at };
  }
  return best?.path;
}

/**
 * Check options for grading `labId` inside the app, from what its screen produced, and a line saying
 * what is graded (or what is missing and how to get it).
 */
export function inAppCheckOptions(labId: string, home: string): { options: Record<string, string>; note?: string } {
  if (labId === 'lora') {
    const adapter = latestLoraAdapter(home);
    return adapter
      ? { options: { adapter }, note: `Grading the latest adapter the lab screen trained: ${adapter}` }
      : { options: {}, note: 'No adapter trained yet: press o, then t to train one (or run ftlab lab verify lora --adapter DIR).' };
  }
  return { options: {} };
}
