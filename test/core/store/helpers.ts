import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));

const created: string[] = [];
// Every test file that makes temporary homes removes them when it is done.
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempHome(label = 'store'): string {
  const dir = mkdtempSync(join(tmpdir(), `ftlab-${label}-`));
  created.push(dir);
  return dir;
}

/** Bundle child.ts once per test file; returns the script path. */
export async function buildChild(): Promise<string> {
  const out = join(tempHome('child'), 'child.mjs');
  await build({
    entryPoints: [join(here, 'child.ts')],
    outfile: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return out;
}

export function runChild(script: string, args: string[]): ChildProcess {
  return spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

export function finished(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

/** Resolve once the child printed `marker` on stdout. */
export function waitFor(child: ChildProcess, marker: string, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`child did not print ${marker}: ${seen}`)), timeoutMs);
    child.stdout?.on('data', (d) => {
      seen += d;
      if (seen.includes(marker)) {
        clearTimeout(timer);
        resolve(seen);
      }
    });
  });
}
