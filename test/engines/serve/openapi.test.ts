// serve's /openapi.json against the rules of redocly's "recommended" ruleset that the ecosystem review found
// broken (redocly itself cannot be installed offline here, so the same rules are checked on the document's
// structure): servers, license, an operationId and summary per operation, a 2xx and a 4xx answer for every
// route, security defined on every operation, a documented 401 where the key is needed, no unused scheme.
// And the document must agree with the server: a route it calls open answers without the key, a route it
// says needs the key answers 401 without it.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServeApp } from '../../../src/engines/serve/app.js';
import { startEchoBackend, type EchoBackend } from '../../../src/engines/serve/echo-backend.js';
import { OllamaBackend } from '../../../src/engines/serve/model-clients.js';

interface Operation {
  operationId?: string;
  summary?: string;
  security?: Record<string, string[]>[];
  parameters?: { in: string; name: string }[];
  responses: Record<string, unknown>;
}
interface Doc {
  openapi: string;
  info: { title: string; version: string; license?: { name: string; url?: string } };
  servers?: { url: string }[];
  security?: unknown[];
  components?: { securitySchemes?: Record<string, unknown> };
  paths: Record<string, Record<string, Operation>>;
}

const METHODS = ['get', 'post', 'put', 'delete', 'patch', 'head', 'options'];

function operations(doc: Doc): { path: string; method: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([m]) => METHODS.includes(m))
      .map(([method, op]) => ({ path, method, op })),
  );
}

/** The rules, as a list of problems (empty = clean). */
function lint(doc: Doc, keyed: boolean): string[] {
  const problems: string[] = [];
  if (!doc.servers?.length) problems.push('no-empty-servers');
  for (const s of doc.servers ?? []) if (s.url.endsWith('/') && s.url !== '/') problems.push(`no-server-trailing-slash ${s.url}`);
  if (!doc.info.license?.name) problems.push('info-license');
  const ids = new Set<string>();
  const usedSchemes = new Set<string>();
  for (const { path, method, op } of operations(doc)) {
    const where = `${method.toUpperCase()} ${path}`;
    if (!op.operationId) problems.push(`operation-operationId ${where}`);
    else if (ids.has(op.operationId)) problems.push(`operation-operationId-unique ${where}`);
    else ids.add(op.operationId);
    if (!op.summary) problems.push(`operation-summary ${where}`);
    const codes = Object.keys(op.responses ?? {});
    if (!codes.some((c) => /^2(\d\d|XX)$/i.test(c))) problems.push(`operation-2xx-response ${where}`);
    if (!codes.some((c) => /^4(\d\d|XX)$/i.test(c))) problems.push(`operation-4xx-response ${where}`);
    const security = op.security ?? doc.security;
    if (!Array.isArray(security)) problems.push(`security-defined ${where}`);
    for (const req of security ?? [])
      for (const name of Object.keys(req as Record<string, unknown>)) {
        usedSchemes.add(name);
        if (!doc.components?.securitySchemes?.[name]) problems.push(`security-defined (unknown scheme ${name}) ${where}`);
      }
    if (keyed && security?.length && !codes.includes('401')) problems.push(`401 not documented ${where}`);
    for (const name of [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))
      if (!op.parameters?.some((p) => p.in === 'path' && p.name === name)) problems.push(`path-parameters-defined ${name} ${where}`);
  }
  for (const name of Object.keys(doc.components?.securitySchemes ?? {}))
    if (!usedSchemes.has(name)) problems.push(`no-unused-components securitySchemes.${name}`);
  return problems;
}

describe('serve /openapi.json', () => {
  let echo: EchoBackend;
  const apps: FastifyInstance[] = [];
  beforeAll(async () => {
    echo = await startEchoBackend();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await echo.close();
  });

  async function start(apiKey?: string): Promise<{ base: string; doc: Doc }> {
    const app = await buildServeApp({ backend: new OllamaBackend(echo.url), defaultModel: 'ftlab-micro', version: '1.2.3', apiKey });
    apps.push(app);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    return { base, doc: (await (await fetch(`${base}/openapi.json`)).json()) as Doc };
  }

  it('lints clean without a key: every operation documented, open, with success and error answers', async () => {
    const { base, doc } = await start();
    expect(lint(doc, false)).toEqual([]);
    expect(doc.servers).toEqual([{ url: base, description: 'this server' }]);
    expect(doc.components?.securitySchemes).toBeUndefined();
    const ops = operations(doc);
    expect(ops.map((o) => `${o.method} ${o.path}`).sort()).toEqual(
      expect.arrayContaining([
        'get /health',
        'post /generate',
        'post /v1/chat/completions',
        'get /v1/models',
        'get /v1/models/{model}',
        'get /metrics',
      ]),
    );
    expect(ops.every((o) => Array.isArray(o.op.security) && o.op.security.length === 0)).toBe(true);
    // the chat answer is documented, for JSON and for the event stream
    const chat = doc.paths['/v1/chat/completions'].post.responses['200'] as { content: Record<string, unknown> };
    expect(Object.keys(chat.content).sort()).toEqual(['application/json', 'text/event-stream']);
  });

  it('lints clean with --api-key, and says exactly which routes need the key, as the server enforces', async () => {
    const { base, doc } = await start('k-123');
    expect(lint(doc, true)).toEqual([]);
    for (const { path, method, op } of operations(doc)) {
      const url = base + path.replace('{model}', 'ftlab-micro');
      const init: RequestInit = { method: method.toUpperCase() };
      if (method === 'post') Object.assign(init, { headers: { 'content-type': 'application/json' }, body: '{}' });
      const res = await fetch(url, init);
      const needsKey = (op.security ?? []).length > 0;
      expect(res.status === 401, `${method} ${path}: ${res.status}`).toBe(needsKey);
    }
    const open = operations(doc)
      .filter((o) => !o.op.security?.length)
      .map((o) => o.path)
      .sort();
    expect(open).toEqual(['/health', '/metrics']);
  });

  it('the lint itself catches what the review found (so a clean result means something)', () => {
    const broken: Doc = {
      openapi: '3.0.3',
      info: { title: 't', version: '1' },
      components: { securitySchemes: { bearer: {} } },
      paths: { '/v1/models/{id}': { get: { responses: { 404: {} } } } },
    };
    expect(lint(broken, true)).toEqual([
      'no-empty-servers',
      'info-license',
      'operation-operationId GET /v1/models/{id}',
      'operation-summary GET /v1/models/{id}',
      'operation-2xx-response GET /v1/models/{id}',
      'security-defined GET /v1/models/{id}',
      'path-parameters-defined id GET /v1/models/{id}',
      'no-unused-components securitySchemes.bearer',
    ]);
  });
});
