// What the lab screens produced, for grading inside the app: the lab runner grades a step with the
// artefacts the lab's own screen made (the latest adapter the LoRA screen trained, the API the serving
// screen keeps running) instead of asking for the --adapter or --url a shell user passes to
// `ftlab lab verify`; without one, the serving lab asks for a URL.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { DEFAULT_PORTS, PORTS_ENV, portsFromEnv } from '../engines/labs/serving/session.js';

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

/** The URL the serving lab screen's API listens on by default (`lab open serving --api-port N` moves it). */
export function servingApiUrl(env: NodeJS.ProcessEnv = process.env): string {
  const { ports } = portsFromEnv(env[PORTS_ENV]);
  // --api-port 0 means any free port: no URL can be guessed, so the usual one is offered.
  return `http://127.0.0.1:${ports?.api || DEFAULT_PORTS.api}`;
}

/** What the lab screen keeps running for the steps to grade. */
export interface LabScreenArtefacts {
  /** The serving API the lab screen started and still runs. */
  apiUrl?: string;
}

export interface InAppGrading {
  options: Record<string, string>;
  /** What is graded (or what is missing and how to get it). */
  note?: string;
  /** The checks need a URL nothing here provides: ask for one, starting from this. */
  askUrl?: string;
}

/**
 * Check options for grading `labId` inside the app, from what its screen produced, and a line saying
 * what is graded (or what is missing and how to get it).
 */
export function inAppCheckOptions(labId: string, home: string, from: LabScreenArtefacts = {}): InAppGrading {
  if (labId === 'lora') {
    const adapter = latestLoraAdapter(home);
    return adapter
      ? { options: { adapter }, note: `Grading the latest adapter the lab screen trained: ${adapter}` }
      : { options: {}, note: 'No adapter trained yet: press o, then t to train one (or run ftlab lab verify lora --adapter DIR).' };
  }
  if (labId === 'serving') {
    return from.apiUrl
      ? { options: { url: from.apiUrl }, note: `Grading the API the lab screen started: ${from.apiUrl}` }
      : {
          options: {},
          note: 'No serving API is running from the lab screen: press o, then b and a to start it (k keeps it running when you go back), or press Enter to give the URL of a running API.',
          askUrl: servingApiUrl(),
        };
  }
  return { options: {} };
}

/** A URL the learner typed for grading: http(s) with a host, without a trailing slash; undefined when it is not one. */
export function gradingUrl(text: string): string | undefined {
  try {
    const url = new URL(text.trim());
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) return undefined;
    return text.trim().replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}

/** Whether something accepts connections at the URL's host and port (a check against nothing would only fail). */
export function listening(url: string, timeoutMs = 2000): Promise<boolean> {
  const u = new URL(url);
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
