// CORS for the Ollama-compatible servers (ftlab backend, ftlab echo-backend), with Ollama's OLLAMA_ORIGINS
// semantics, so a browser app written for Ollama (ollama/browser) works against them and one from elsewhere
// is refused the same way:
// - allowed by default: http(s)://localhost, 127.0.0.1 and 0.0.0.0 on any port, and the app://, file://,
//   tauri://, vscode-webview:// and vscode-file:// schemes;
// - OLLAMA_ORIGINS adds a comma-separated list; `*` matches anything within an entry ("*" alone: every origin);
// - a request from an origin not allowed gets 403; a request without an Origin header (curl, SDKs) is not CORS.

const DEFAULT_HOSTS = ['localhost', '127.0.0.1', '0.0.0.0'];
const DEFAULT_SCHEMES = ['app://*', 'file://*', 'tauri://*', 'vscode-webview://*', 'vscode-file://*'];

export const CORS_ALLOW_HEADERS = [
  'Authorization',
  'Content-Type',
  'User-Agent',
  'Accept',
  'X-Requested-With',
  // sent by the openai SDK from a browser
  'X-Stainless-Lang',
  'X-Stainless-Package-Version',
  'X-Stainless-OS',
  'X-Stainless-Arch',
  'X-Stainless-Retry-Count',
  'X-Stainless-Runtime',
  'X-Stainless-Runtime-Version',
  'X-Stainless-Async',
  'X-Stainless-Helper-Method',
  'X-Stainless-Poll-Helper',
  'X-Stainless-Custom-Poll-Interval',
  'X-Stainless-Timeout',
];
const ALLOW_METHODS = 'GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS';

/** The allowed origin patterns: OLLAMA_ORIGINS's entries first, then Ollama's defaults. */
export function allowedOrigins(env: string | undefined = process.env.OLLAMA_ORIGINS): string[] {
  const extra = (env ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const defaults = DEFAULT_HOSTS.flatMap((h) => [`http://${h}`, `https://${h}`, `http://${h}:*`, `https://${h}:*`]);
  return [...extra, ...defaults, ...DEFAULT_SCHEMES];
}

function matches(origin: string, pattern: string): boolean {
  if (pattern === '*') return true;
  const re = new RegExp(`^${pattern.split('*').map(escape).join('.*')}$`, 'i');
  return re.test(origin);
}
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export interface CorsDecision {
  /** Answer now with this status (403 refused, 204 preflight); undefined: go on with the request. */
  status?: 403 | 204;
  headers: Record<string, string>;
}

/** What to do with a request, given its method, Origin and Access-Control-Request-Method headers. */
export function corsDecision(method: string, origin: string | undefined, patterns: string[], preflightMethod?: string): CorsDecision {
  if (!origin) return { headers: {} };
  if (!patterns.some((p) => matches(origin, p))) return { status: 403, headers: {} };
  const all = patterns.includes('*');
  const headers: Record<string, string> = { 'access-control-allow-origin': all ? '*' : origin };
  if (!all) headers.vary = 'Origin';
  if (method === 'OPTIONS' && preflightMethod) {
    headers['access-control-allow-methods'] = ALLOW_METHODS;
    headers['access-control-allow-headers'] = CORS_ALLOW_HEADERS.join(', ');
    headers['access-control-max-age'] = '43200';
    return { status: 204, headers };
  }
  return { headers };
}
