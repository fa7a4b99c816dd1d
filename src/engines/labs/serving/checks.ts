// Check kinds of the serving lab: they grade any serving API (ftlab serve, the reference solution, the
// learner's FastAPI app) against the contract taught in the lab. They compare parsed JSON, never raw text,
// and probe with seeded random prompts so a hard-coded answer cannot pass.
import type { CheckContext, CheckKindTable, CheckOutcome } from '../types.js';
import { TargetError, withTarget, type ServingTarget } from './target.js';

const WORDS = ['adapter', 'rank', 'latency', 'token', 'gradient', 'serving', 'batch', 'cache', 'prompt', 'metric', 'quantize', 'router', 'canary', 'drift', 'weights', 'loss'];

/** Deterministic per seed, different across seeds. */
export function probePrompts(seed: number, count: number): string[] {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, () => {
    const n = 3 + Math.floor(next() * 5);
    const words = Array.from({ length: n }, () => WORDS[Math.floor(next() * WORDS.length)]);
    return `Explain ${words.join(' ')} #${Math.floor(next() * 1e6)}`;
  });
}

interface Fetched {
  status: number;
  json: unknown;
  text: string;
  contentType: string;
}

async function call(url: string, init: RequestInit = {}, signal?: AbortSignal): Promise<Fetched> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(30_000)]) : AbortSignal.timeout(30_000) });
  } catch (err) {
    throw new TargetError(`could not reach ${url}: ${(err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).message}`);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, contentType: res.headers.get('content-type') ?? '' };
}

const postJson = (url: string, body: unknown, signal?: AbortSignal) =>
  call(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) }, signal);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s === undefined ? 'nothing' : s.length > 200 ? `${s.slice(0, 200)}…` : s;
};

/** Problems with an error body, per the contract {error:{code,message,hint}}; empty when it conforms. */
function errorShapeProblems(r: Fetched): string[] {
  if (!isObj(r.json)) return [`the body is not JSON: ${show(r.text)}`];
  const e = r.json.error;
  if (!isObj(e)) return [`no "error" object in ${show(r.json)}`];
  const problems: string[] = [];
  for (const f of ['code', 'message', 'hint']) if (typeof e[f] !== 'string' || !(e[f] as string).length) problems.push(`error.${f} missing or empty`);
  return problems;
}

function healthProblems(r: Fetched, expect: 'healthy' | 'degraded'): string[] {
  const problems: string[] = [];
  const wantStatus = expect === 'healthy' ? 200 : 503;
  if (r.status !== wantStatus) problems.push(`status ${r.status}, expected ${wantStatus}`);
  if (!isObj(r.json)) return [...problems, `body is not a JSON object: ${show(r.text)}`];
  const b = r.json;
  if (b.status !== expect) problems.push(`"status" is ${show(b.status)}, expected "${expect}"`);
  if (!isObj(b.backend)) problems.push('no "backend" object');
  else {
    if (typeof b.backend.url !== 'string') problems.push('backend.url is not a string');
    if (b.backend.reachable !== (expect === 'healthy')) problems.push(`backend.reachable is ${show(b.backend.reachable)}`);
    if (expect === 'healthy' && typeof b.backend.version !== 'string') problems.push('backend.version is not a string');
  }
  if (!isObj(b.model)) problems.push('no "model" object');
  else {
    if (typeof b.model.name !== 'string') problems.push('model.name is not a string');
    if (expect === 'healthy' && b.model.available !== true) problems.push(`model.available is ${show(b.model.available)}`);
  }
  if (expect === 'degraded' && (typeof b.reason !== 'string' || !b.reason)) problems.push('no "reason" saying what is wrong');
  return problems;
}

function generateProblems(r: Fetched, prompt: string): string[] {
  if (r.status !== 200) return [`status ${r.status}: ${show(r.json ?? r.text)}`];
  if (!isObj(r.json)) return [`body is not a JSON object: ${show(r.text)}`];
  const b = r.json;
  const problems: string[] = [];
  if (typeof b.model !== 'string' || !b.model) problems.push('"model" missing');
  if (b.prompt !== prompt) problems.push(`"prompt" is ${show(b.prompt)}, expected the prompt sent`);
  if (typeof b.response !== 'string' || !b.response) problems.push('"response" missing or empty');
  if (typeof b.done_reason !== 'string') problems.push('"done_reason" missing');
  if (typeof b.latency_ms !== 'number' || b.latency_ms < 0) problems.push('"latency_ms" is not a non-negative number');
  const u = b.usage;
  if (!isObj(u)) problems.push('"usage" missing');
  else {
    for (const f of ['prompt_tokens', 'completion_tokens', 'total_tokens']) if (!Number.isInteger(u[f]) || (u[f] as number) < 0) problems.push(`usage.${f} is not a whole number`);
    if (Number.isInteger(u.total_tokens) && (u.total_tokens as number) !== (u.prompt_tokens as number) + (u.completion_tokens as number)) problems.push('usage.total_tokens ≠ prompt_tokens + completion_tokens');
  }
  return problems;
}

async function guarded(ctx: CheckContext, fn: (t: ServingTarget) => Promise<CheckOutcome>): Promise<CheckOutcome> {
  try {
    return await withTarget(ctx, fn);
  } catch (err) {
    if (err instanceof TargetError) return { ok: false, detail: err.message };
    throw err;
  }
}

export const checks: CheckKindTable = {
  'serving-health': {
    description: 'GET /health answers 200 {status:"healthy", backend:{url,reachable,version}, model:{name,available}}',
    run: (ctx) =>
      guarded(ctx, async (t) => {
        const r = await call(`${t.url}/health`, {}, ctx.signal);
        const problems = healthProblems(r, 'healthy');
        return problems.length ? { ok: false, detail: problems.join('; '), data: r.json } : { ok: true, data: r.json };
      }),
  },

  'serving-generate': {
    description: 'POST /generate with seeded random prompts returns {model, prompt, response, done_reason, usage, latency_ms}',
    validateArgs: (args) => (args.prompts === undefined || (Number.isInteger(args.prompts) && (args.prompts as number) > 0) ? [] : ['"prompts" must be a positive whole number']),
    run: (ctx, args) =>
      guarded(ctx, async (t) => {
        const prompts = probePrompts(ctx.seed, (args.prompts as number | undefined) ?? 3);
        const report: { prompt: string; problems: string[] }[] = [];
        for (const prompt of prompts) {
          const before = t.echo?.calls.chat ?? 0;
          const beforeGen = t.echo?.calls.generate ?? 0;
          const r = await postJson(`${t.url}/generate`, { prompt }, ctx.signal);
          const problems = generateProblems(r, prompt);
          if (t.echo && !problems.length) {
            // The grader's backend answers "echo: <prompt>": the API must pass the prompt through and return
            // the backend's answer, not something of its own.
            const reached = t.echo.calls.chat + t.echo.calls.generate > before + beforeGen;
            const response = (r.json as Obj).response as string;
            if (!reached) problems.push('the backend was never called');
            else if (!response.includes(prompt.split(' ').slice(0, 3).join(' '))) problems.push(`"response" does not carry the backend's answer: ${show(response)}`);
          }
          report.push({ prompt, problems });
        }
        const bad = report.filter((x) => x.problems.length);
        return bad.length
          ? { ok: false, detail: bad.map((x) => `prompt "${x.prompt}": ${x.problems.join('; ')}`).join('\n'), data: report }
          : { ok: true, detail: `${report.length} prompts answered in the documented shape`, data: report };
      }),
  },

  'serving-bad-input': {
    description: 'Bad bodies (no prompt, wrong type, invalid JSON) get 400 with {error:{code,message,hint}}',
    run: (ctx) =>
      guarded(ctx, async (t) => {
        const cases: [string, unknown][] = [
          ['a body without "prompt"', { model: t.model }],
          ['"prompt" as a number', { prompt: 12345 }],
          ['invalid JSON', '{"prompt": "unclosed'],
          ['an empty prompt', { prompt: '' }],
        ];
        const problems: string[] = [];
        for (const [what, body] of cases) {
          const r = await postJson(`${t.url}/generate`, body, ctx.signal);
          if (r.status !== 400) problems.push(`${what}: status ${r.status}, expected 400`);
          else {
            const shape = errorShapeProblems(r);
            if (shape.length) problems.push(`${what}: ${shape.join(', ')}`);
          }
        }
        return problems.length ? { ok: false, detail: problems.join('\n') } : { ok: true, detail: `${cases.length} bad requests rejected with 400` };
      }),
  },

  'serving-unknown-model': {
    description: 'An unknown model gets 404 {error:{code,message,hint}} whose hint says how to get it (ollama pull)',
    run: (ctx) =>
      guarded(ctx, async (t) => {
        const model = `no-such-model-${ctx.seed % 100000}`;
        const r = await postJson(`${t.url}/generate`, { prompt: 'hello', model }, ctx.signal);
        const problems: string[] = [];
        if (r.status !== 404) problems.push(`status ${r.status}, expected 404`);
        problems.push(...errorShapeProblems(r));
        const hint = isObj(r.json) && isObj(r.json.error) ? String(r.json.error.hint ?? '') : '';
        if (!problems.length && !hint.includes('pull')) problems.push(`the hint does not say how to get the model: ${show(hint)}`);
        return problems.length ? { ok: false, detail: problems.join('; '), data: r.json } : { ok: true, data: r.json };
      }),
  },

  'serving-backend-down': {
    description: 'With the backend stopped: /health answers 503 "degraded" with a reason, /generate a 502/503 JSON error',
    run: (ctx) =>
      guarded(ctx, async (t) => {
        if (!t.echo) {
          return {
            ok: false,
            skipped:
              'the grader can only take the backend down for an API it started itself; to run it, pass -o start="CMD" (the grader sets PORT and OLLAMA_HOST), e.g. -o start="uvicorn app:app --port {port}"',
          };
        }
        const up = await call(`${t.url}/health`, {}, ctx.signal);
        if (up.status !== 200) return { ok: false, detail: `before stopping the backend, /health answered ${up.status}: ${show(up.json ?? up.text)}` };
        await t.echo.close();
        const problems: string[] = [];
        const health = await call(`${t.url}/health`, {}, ctx.signal);
        problems.push(...healthProblems(health, 'degraded').map((p) => `/health: ${p}`));
        const gen = await postJson(`${t.url}/generate`, { prompt: probePrompts(ctx.seed + 1, 1)[0] }, ctx.signal);
        if (gen.status !== 502 && gen.status !== 503) problems.push(`/generate: status ${gen.status}, expected 502 or 503`);
        else problems.push(...errorShapeProblems(gen).map((p) => `/generate: ${p}`));
        return problems.length ? { ok: false, detail: problems.join('\n') } : { ok: true, detail: 'degraded health and a clean 5xx error while the backend is down' };
      }),
  },
};
