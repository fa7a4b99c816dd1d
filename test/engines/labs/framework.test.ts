// The lab framework: the runner (every check through the registry, failures never crash it), the
// generic check kinds, `lab verify` / `lab list` exit codes and JSON, and the dev check (reference
// solution passes, starter fails), including a reference server started for the run.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContent, type LoadedLab } from '../../../src/core/content/loader.js';
import { devCheckLab, freePort } from '../../../src/engines/labs/dev-check.js';
import { genericChecks } from '../../../src/engines/labs/checks/index.js';
import { formatReport, verifyLab } from '../../../src/engines/labs/runner.js';
import type { CheckKindTable } from '../../../src/engines/labs/types.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const good = join(repo, 'test/core/content/fixtures/good');
const cli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [join(repo, 'dist/cli.js'), ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
const tmp: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'ftlab-labs-'));
  tmp.push(d);
  return d;
};
afterAll(() => tmp.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A one-step lab over the given kinds, as the loader would produce it. */
function labWith(checks: Array<{ kind: string; args?: Record<string, unknown> }>, dir = good): LoadedLab {
  return {
    id: 'unit',
    title: 'Unit lab',
    summary: 's',
    minutes: 1,
    requires: [],
    lessons: [],
    steps: [{ id: 'only', title: 'Only step', instructions: 'x', checks: checks.map((c) => ({ kind: c.kind, args: c.args ?? {}, message: `${c.kind} failed`, hint: `fix ${c.kind}` })) }],
    source: { path: 'labs/unit/lab.yaml', line: 1, col: 1 },
    dir,
  };
}

describe('runner', () => {
  const kinds: CheckKindTable = {
    pass: { description: 'passes', run: async (ctx) => ({ ok: true, data: { seed: ctx.seed } }) },
    fail: { description: 'fails', run: async () => ({ ok: false, detail: 'observed 3, expected 4' }) },
    throws: { description: 'throws', run: async () => { throw new Error('boom'); } },
    hangs: { description: 'never answers', run: () => new Promise(() => {}) },
  };

  it('runs every check, reports message, hint and detail of failures, and never crashes', async () => {
    const seen: string[] = [];
    const report = await verifyLab(labWith([{ kind: 'pass' }, { kind: 'fail' }, { kind: 'throws' }, { kind: 'hangs' }, { kind: 'missing' }]), {
      contentRoot: good,
      checkKinds: kinds,
      seed: 42,
      timeoutMs: 50,
      onResult: (r) => seen.push(`${r.kind}:${r.ok}`),
    });
    expect(seen).toEqual(['pass:true', 'fail:false', 'throws:false', 'hangs:false', 'missing:false']);
    expect(report).toMatchObject({ lab: 'unit', ok: false, seed: 42, passed: 1, failed: 4, skipped: 0, total: 5 });
    const [pass, fail, throws, hangs, missing] = report.steps[0]!.checks;
    expect(pass).toMatchObject({ ok: true, data: { seed: 42 } });
    expect(pass!.message).toBeUndefined();
    expect(fail).toMatchObject({ ok: false, message: 'fail failed', hint: 'fix fail', detail: 'observed 3, expected 4' });
    expect(throws!.detail).toBe('the check could not run: boom');
    expect(hangs!.detail).toBe('the check could not run: no answer within 0 s');
    expect(missing!.detail).toBe('unknown check kind "missing" (run ftlab content check)');
  });

  it('a check that could not run is skipped with its reason: neither passed nor failed, and the run stays green', async () => {
    const skipKinds: CheckKindTable = {
      ...kinds,
      cannot: { description: 'needs a setup', run: async () => ({ ok: false, skipped: 'needs -o start="CMD"' }) },
    };
    const green = await verifyLab(labWith([{ kind: 'pass' }, { kind: 'cannot' }]), { contentRoot: good, checkKinds: skipKinds, seed: 1 });
    expect(green).toMatchObject({ ok: true, passed: 1, failed: 0, skipped: 1, total: 2 });
    expect(green.steps[0]!.checks[1]).toMatchObject({ ok: true, skipped: 'needs -o start="CMD"' });
    const text = formatReport(green, { ascii: true });
    expect(text).toContain('[skip] cannot: skipped: needs -o start="CMD"');
    expect(text).toContain('1/2 checks passed, 1 skipped (could not run here: see above), none failed.');
    const red = await verifyLab(labWith([{ kind: 'fail' }, { kind: 'cannot' }]), { contentRoot: good, checkKinds: skipKinds, seed: 1 });
    expect(red).toMatchObject({ ok: false, passed: 0, failed: 1, skipped: 1 });
    expect(formatReport(red)).toContain('0/2 checks passed, 1 failed, 1 skipped');
  });

  it('draws a fresh seed per run unless one is given', async () => {
    const lab = labWith([{ kind: 'pass' }]);
    const a = await verifyLab(lab, { contentRoot: good, checkKinds: kinds });
    const b = await verifyLab(lab, { contentRoot: good, checkKinds: kinds });
    expect(a.seed).not.toBe(b.seed);
    expect(a.ok && b.ok).toBe(true);
  });
});

describe('generic check kinds', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/health') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ status: 'healthy', backend: { reachable: true } }));
      } else if (req.url === '/echo' && req.method === 'POST') {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => res.end(body));
      } else {
        res.statusCode = 404;
        res.end('{"error":{"code":"not_found"}}');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('http-json compares status and JSON fields, with the seed in the body', async () => {
    const lab = labWith([
      { kind: 'http-json', args: { path: '/health', equals: { status: 'healthy', 'backend.reachable': true } } },
      { kind: 'http-json', args: { path: '/health', equals: { status: 'degraded' }, present: ['model.name'] } },
      { kind: 'http-json', args: { path: '/nope', status: 404, equals: { 'error.code': 'not_found' } } },
      { kind: 'http-json', args: { path: '/echo', method: 'POST', body: { n: '{seed}' }, equals: { n: '7' } } },
      { kind: 'http-json', args: { path: '/health' } },
    ]);
    const report = await verifyLab(lab, { contentRoot: good, checkKinds: genericChecks, options: { url }, seed: 7 });
    expect(report.steps[0]!.checks.map((c) => [c.ok, c.detail ?? ''])).toEqual([
      [true, ''],
      [false, 'model.name is missing; status is "healthy", expected "degraded"'],
      [true, ''],
      [true, ''],
      [true, ''],
    ]);
  });

  it('http-json without --url, or with nothing listening, fails with a clear detail', async () => {
    const lab = labWith([{ kind: 'http-json', args: { path: '/health' } }]);
    const noUrl = await verifyLab(lab, { contentRoot: good, checkKinds: genericChecks });
    expect(noUrl.steps[0]!.checks[0]!.detail).toBe('this check needs --url (ftlab lab verify <id> --url …)');
    const port = await freePort();
    const down = await verifyLab(lab, { contentRoot: good, checkKinds: genericChecks, options: { url: `http://127.0.0.1:${port}` } });
    expect(down.steps[0]!.checks[0]!.detail).toBe(`GET http://127.0.0.1:${port}/health failed: ECONNREFUSED`);
  });

  it('file-exists and json-file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.json'), '{"r": 8, "nested": {"list": [1, 2]}}');
    writeFileSync(join(dir, 'bad.json'), '{"r": ');
    const lab = labWith([
      { kind: 'file-exists', args: { path: '{work}/a.json', min_bytes: 10 } },
      { kind: 'file-exists', args: { path: '{work}/a.json', min_bytes: 1000 } },
      { kind: 'json-file', args: { path: '{work}/a.json', equals: { r: 8, 'nested.list': [1, 2] } } },
      { kind: 'json-file', args: { path: '{work}/bad.json', present: ['r'] } },
      { kind: 'json-file', args: { path: '{work}/none.json', present: ['r'] } },
    ]);
    const report = await verifyLab(lab, { contentRoot: good, checkKinds: genericChecks, options: { work: dir } });
    const checks = report.steps[0]!.checks;
    expect(checks.map((c) => c.ok)).toEqual([true, false, true, false, false]);
    expect(checks[1]!.detail).toBe(`${dir}/a.json has 36 bytes, expected at least 1000`);
    expect(checks[3]!.detail).toMatch(/bad\.json is not valid JSON/);
    expect(checks[4]!.detail).toBe(`${dir}/none.json does not exist`);
  });

  it('validateArgs rejects malformed arguments', () => {
    expect(genericChecks['http-json']!.validateArgs!({ path: 'health', status: 700 })).toEqual([
      '"path" is required and starts with "/", e.g. "/health"',
      '"status" must be an HTTP status code (100-599)',
    ]);
    expect(genericChecks['file-exists']!.validateArgs!({})).toEqual(['"path" is required: the file to look for, e.g. "{adapter}/adapter_config.json"']);
  });
});

describe('dev check: reference solution passes, starter fails', () => {
  it('accepts the fixture lab', async () => {
    const lab = loadContent(good, { checkKinds: genericChecks }).labById.get('demo')!;
    const r = await devCheckLab(lab, { contentRoot: good, checkKinds: genericChecks });
    expect(r).toMatchObject({ lab: 'demo', ok: true, solution: { ok: true }, starter: { ok: true } });
    expect(r!.starter.report!.failed).toBe(1);
  });

  it('rejects a lab whose starter passes every check (a check that cannot fail)', async () => {
    const root = tempDir();
    cpSync(good, root, { recursive: true });
    writeFileSync(join(root, 'labs/demo/starter/config.json'), '{"r": 8, "peft_type": "LORA"}');
    const lab = loadContent(root, { checkKinds: genericChecks }).labById.get('demo')!;
    const r = await devCheckLab(lab, { contentRoot: root, checkKinds: genericChecks });
    expect(r).toMatchObject({ ok: false, solution: { ok: true }, starter: { ok: false } });
    const out = cli(['--content', root, 'lab', 'dev-check']);
    expect(out.status).toBe(1);
    expect(out.stdout).toContain('starter: 0/2 checks fail (a starter must fail at least one check');
  });

  it('starts a reference server per target, grades it over HTTP, and stops it', async () => {
    const root = tempDir();
    const labDir = join(root, 'labs/api');
    mkdirSync(labDir, { recursive: true });
    const server = (status: string) =>
      `import { createServer } from 'node:http';\nconst port = Number(process.argv[2]);\ncreateServer((req, res) => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ status: '${status}', pid: process.pid })); }).listen(port, '127.0.0.1');\n`;
    writeFileSync(join(labDir, 'solution.mjs'), server('healthy'));
    writeFileSync(join(labDir, 'starter.mjs'), server('todo'));
    writeFileSync(
      join(labDir, 'lab.yaml'),
      `id: api\ntitle: API\nsummary: Build a health endpoint.\nminutes: 5\nsteps:\n  - id: health\n    title: Health\n    instructions: Answer /health.\n    checks:\n      - kind: http-json\n        args: { path: /health, equals: { status: healthy } }\n        message: /health does not report healthy.\n        hint: Return {"status":"healthy"}.\nreference:\n  solution: { start: ["{node}", solution.mjs, "{port}"] }\n  starter: { start: ["{node}", starter.mjs, "{port}"] }\n`,
    );
    const index = loadContent(root, { checkKinds: genericChecks });
    expect(index.problems).toEqual([]);
    const r = await devCheckLab(index.labById.get('api')!, { contentRoot: root, checkKinds: genericChecks });
    expect(r).toMatchObject({ ok: true, solution: { ok: true }, starter: { ok: true } });
    expect(r!.starter.report!.steps[0]!.checks[0]!.detail).toBe('status is "todo", expected "healthy"');
    // Both servers were stopped: nothing listens on the ports they used any more.
    for (const t of [r!.solution, r!.starter]) {
      const { url } = t.report!.steps[0]!.checks[0]!.data as { url: string };
      const port = Number(new URL(url).port);
      const open = await new Promise<boolean>((done) => {
        const s = connect({ host: '127.0.0.1', port });
        s.once('connect', () => (s.destroy(), done(true)));
        s.once('error', () => done(false));
      });
      expect(open).toBe(false);
    }
  });

  it('reports a reference server that exits before listening', async () => {
    const root = tempDir();
    const labDir = join(root, 'labs/api');
    mkdirSync(labDir, { recursive: true });
    writeFileSync(join(labDir, 'crash.mjs'), "console.error('cannot bind'); process.exit(3);\n");
    writeFileSync(
      join(labDir, 'lab.yaml'),
      `id: api\ntitle: API\nsummary: s\nminutes: 5\nsteps:\n  - id: health\n    title: Health\n    instructions: i\n    checks:\n      - kind: http-json\n        args: { path: /health }\n        message: m\n        hint: h\nreference:\n  solution: { start: ["{node}", crash.mjs] }\n  starter: { start: ["{node}", crash.mjs] }\n`,
    );
    const lab = loadContent(root, { checkKinds: genericChecks }).labById.get('api')!;
    const r = await devCheckLab(lab, { contentRoot: root, checkKinds: genericChecks });
    expect(r!.ok).toBe(false);
    expect(r!.solution.error).toMatch(/crash\.mjs exited \(3\) before listening on port \d+: cannot bind/);
  });
});

describe('ftlab lab list / verify (CLI)', () => {
  it('lab list --json', () => {
    const r = cli(['--content', good, 'lab', 'list', '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).labs).toEqual([
      { id: 'demo', title: 'Demo lab', summary: 'Checks a JSON file the learner writes.', minutes: 5, requires: [], lessons: ['intro'], steps: 1, checks: 2, reference: true, path: 'labs/demo/lab.yaml' },
    ]);
  });

  it('exit 0 iff every check passes, 1 otherwise, 2 for an unknown lab', () => {
    const home = tempDir();
    const env = { FTLAB_HOME: home };
    const ok = cli(['--content', good, 'lab', 'verify', 'demo', '-o', `work=${good}/labs/demo/solution`, '--json', '--seed', '5'], env);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ lab: 'demo', ok: true, seed: 5, passed: 2, total: 2 });
    const bad = cli(['--content', good, 'lab', 'verify', 'demo', '-o', `work=${good}/labs/demo/starter`], env);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('✗ json-file: config.json does not say r = 8.');
    expect(bad.stdout).toContain('observed: peft_type is missing; r is 4, expected 8');
    expect(bad.stdout).toContain('hint: Set "r" to 8.');
    const unknown = cli(['--content', good, 'lab', 'verify', 'dmo'], env);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown lab "dmo" (did you mean "demo"?)');
    const badSeed = cli(['--content', good, 'lab', 'verify', 'demo', '--seed', 'x'], env);
    expect(badSeed.status).toBe(2);
  });

  it('records step results in the progress store', async () => {
    const home = tempDir();
    cli(['--content', good, 'lab', 'verify', 'demo', '-o', `work=${good}/labs/demo/solution`], { FTLAB_HOME: home });
    const { readFileSync } = await import('node:fs');
    const settings = JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8'));
    expect(settings.labs.demo.steps['write-config'].passed).toBe(true);
    expect(typeof settings.labs.demo.completedAt).toBe('number');
  });
});
