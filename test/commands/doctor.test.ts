// `ftlab doctor` against a fake Ollama (binary on PATH, server at OLLAMA_HOST), a fake terminal, and
// broken set-ups: required checks fail (exit 1), optional ones only warn.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ollamaBaseUrl, runDoctor, formatDoctor } from '../../src/commands/doctor.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const good = join(repo, 'test/core/content/fixtures/good');
const work = mkdtempSync(join(tmpdir(), 'ftlab-doctor-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A terminal as Node describes one, without needing a real TTY. */
function fakeTerminal(opts: { columns?: number; rows?: number; raw?: boolean } = {}) {
  let isRaw = false;
  const stdin = {
    isTTY: true,
    get isRaw() {
      return isRaw;
    },
    setRawMode(on: boolean) {
      if (opts.raw === false) throw new Error('EINVAL');
      isRaw = on;
      return this;
    },
  } as unknown as NodeJS.ReadStream;
  const stdout = {
    isTTY: true,
    columns: opts.columns ?? 100,
    rows: opts.rows ?? 30,
    getColorDepth: () => 8,
  } as unknown as NodeJS.WriteStream;
  return { stdin, stdout };
}

describe('ftlab doctor', () => {
  let server: Server;
  let port: number;
  let models: Array<{ name: string; size: number }> = [];
  const binDir = join(work, 'bin');

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/api/version') res.end(JSON.stringify({ version: '0.12.3' }));
      else if (req.url === '/api/tags') res.end(JSON.stringify({ models }));
      else {
        res.statusCode = 404;
        res.end('{"error":"not found"}');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as { port: number }).port;
    mkdirSync(binDir, { recursive: true });
    writeFileSync(join(binDir, 'ollama'), '#!/bin/sh\necho fake\n');
    chmodSync(join(binDir, 'ollama'), 0o755);
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('all green with a terminal, writable store, Ollama installed, running and with a model', async () => {
    models = [{ name: 'qwen2.5:0.5b', size: 397_000_000 }];
    const report = await runDoctor({
      contentRoot: good,
      home: join(work, 'home'),
      env: { PATH: binDir, OLLAMA_HOST: `127.0.0.1:${port}`, TERM: 'xterm-256color' },
      ...fakeTerminal(),
    });
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([
      ['node', 'ok'],
      ['terminal', 'ok'],
      ['content', 'ok'],
      ['store', 'ok'],
      ['ollama', 'ok'],
      ['ollama-server', 'ok'],
      ['ollama-models', 'ok'],
    ]);
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    expect(byName.terminal!.summary).toBe('100×30, 256 colours, raw mode available (TERM=xterm-256color)');
    expect(byName.content!.summary).toBe(`${good}: 1 module, 2 lessons, 8 questions, 1 lab, no problems`);
    expect(byName.ollama!.summary).toBe(`found at ${join(binDir, 'ollama')}`);
    expect(byName['ollama-server']!.summary).toBe(`http://127.0.0.1:${port} (OLLAMA_HOST=127.0.0.1:${port}) answers, version 0.12.3`);
    expect(byName['ollama-models']!.summary).toBe('1 model: qwen2.5:0.5b');
    expect(formatDoctor(report, { ascii: true })).toMatch(/Ready\.$/);
  });

  it('Ollama missing, no models, small terminal, no raw mode: warnings only', async () => {
    models = [];
    const report = await runDoctor({
      contentRoot: good,
      home: join(work, 'home'),
      env: { PATH: join(work, 'empty'), OLLAMA_HOST: `http://localhost:${port}/` },
      ...fakeTerminal({ columns: 70, rows: 20, raw: false }),
    });
    expect(report.ok).toBe(true);
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    expect(byName.terminal).toMatchObject({ status: 'warn', summary: 'raw mode unavailable (EINVAL); 70×20 is below the 80×24 minimum' });
    expect(byName.ollama!.status).toBe('warn');
    expect(byName['ollama-models']).toMatchObject({ status: 'warn', summary: 'no models pulled yet' });
  });

  it('without OLLAMA_HOST, finds the built-in backend on its own port when the Ollama default does not answer', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', () => r()));
    const deadPort = (dead.address() as { port: number }).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const backend = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(req.url === '/api/version' ? '{"version":"ftlab"}' : '{"models":[{"name":"ftlab-micro"}]}');
    });
    await new Promise<void>((r) => backend.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(backend.address() as { port: number }).port}`;
    try {
      // OLLAMA_HOST unset means 127.0.0.1:11434 and the backend's 11435: ephemeral ports stand in for both.
      const ports = { ollamaDefaultUrl: `http://127.0.0.1:${deadPort}` };
      const found = await runDoctor({
        contentRoot: good,
        home: join(work, 'home'),
        env: { PATH: '' },
        builtinBackendUrl: url,
        ...ports,
        ...fakeTerminal(),
      });
      const check = found.checks.find((c) => c.name === 'ollama-server')!;
      expect(check.summary).toMatch(
        new RegExp(`^${url} \\(ftlab backend's port; tools that read OLLAMA_HOST need OLLAMA_HOST=127\\.0\\.0\\.1:\\d+\\) answers`),
      );
      expect(check.status).toBe('ok');
      await new Promise<void>((r) => backend.close(() => r()));
      const none = await runDoctor({
        contentRoot: good,
        home: join(work, 'home'),
        env: { PATH: '' },
        builtinBackendUrl: `http://127.0.0.1:${deadPort}`,
        ...ports,
        ...fakeTerminal(),
      });
      expect(none.checks.find((c) => c.name === 'ollama-server')!.summary).toContain(`nor is http://127.0.0.1:${deadPort} (ftlab backend)`);
    } finally {
      backend.close();
    }
  });

  it('an unreachable server is a warning that names the URL and how to start one', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const deadPort = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const report = await runDoctor({
      contentRoot: good,
      home: join(work, 'home'),
      env: { PATH: '', OLLAMA_HOST: `127.0.0.1:${deadPort}` },
      ...fakeTerminal(),
    });
    const check = report.checks.find((c) => c.name === 'ollama-server')!;
    expect(check).toMatchObject({
      status: 'warn',
      summary: `http://127.0.0.1:${deadPort} (OLLAMA_HOST=127.0.0.1:${deadPort}) is not reachable: ECONNREFUSED`,
    });
    expect(check.hint).toContain('ollama serve');
    expect(report.checks.some((c) => c.name === 'ollama-models')).toBe(false);
    expect(report.ok).toBe(true);
  });

  it('fails when the store is not writable or the content root has no lessons', async () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'x');
    const empty = join(work, 'empty-root');
    mkdirSync(empty, { recursive: true });
    const report = await runDoctor({ contentRoot: empty, home: join(file, 'sub'), env: { PATH: '' }, timeoutMs: 200, ...fakeTerminal() });
    expect(report.ok).toBe(false);
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    expect(byName.store).toMatchObject({ status: 'fail', summary: `${join(file, 'sub')} (FTLAB_HOME) is not writable: ENOTDIR` });
    expect(byName.content).toMatchObject({ status: 'fail', summary: `${empty} holds no lessons` });
  });

  it('reads OLLAMA_HOST the way Ollama does', () => {
    expect(ollamaBaseUrl({})).toBe('http://127.0.0.1:11434');
    expect(ollamaBaseUrl({ OLLAMA_HOST: '0.0.0.0' })).toBe('http://127.0.0.1:11434');
    expect(ollamaBaseUrl({ OLLAMA_HOST: ':11435' })).toBe('http://127.0.0.1:11435');
    expect(ollamaBaseUrl({ OLLAMA_HOST: 'gpu-box:8080' })).toBe('http://gpu-box:8080');
    expect(ollamaBaseUrl({ OLLAMA_HOST: 'https://ollama.example.com' })).toBe('https://ollama.example.com');
  });

  it('CLI: --json is one document; exit 1 when a required check fails', () => {
    const file = join(work, 'not-a-dir');
    writeFileSync(file, 'x');
    const r = spawnSync(process.execPath, [join(repo, 'dist/cli.js'), '--content', good, 'doctor', '--json'], {
      encoding: 'utf8',
      env: { ...process.env, FTLAB_HOME: join(file, 'sub'), OLLAMA_HOST: '127.0.0.1:1', PATH: process.env.PATH ?? '' },
    });
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.checks.find((c: { name: string }) => c.name === 'store').status).toBe('fail');
  });
});
