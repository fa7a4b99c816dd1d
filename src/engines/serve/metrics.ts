// Prometheus metrics for the serving API. Each app gets its own registry so that tests and the lab can run
// several instances in one process without their counters mixing.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ServeMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  inflight: Gauge;
  backendRequests: Counter<'operation' | 'outcome'>;
  backendDuration: Histogram<'operation'>;
  promptTokens: Counter;
  completionTokens: Counter;
}

export function createMetrics(withProcessMetrics = true): ServeMetrics {
  const registry = new Registry();
  if (withProcessMetrics) collectDefaultMetrics({ register: registry, prefix: 'ftlab_serve_' });
  const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
  return {
    registry,
    httpRequests: new Counter({
      name: 'ftlab_serve_http_requests_total',
      help: 'HTTP requests answered, by route and status code.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'ftlab_serve_http_request_duration_seconds',
      help: 'Time from request received to response finished.',
      labelNames: ['method', 'route'],
      buckets: latencyBuckets,
      registers: [registry],
    }),
    inflight: new Gauge({ name: 'ftlab_serve_inflight_requests', help: 'Requests being handled now.', registers: [registry] }),
    backendRequests: new Counter({
      name: 'ftlab_serve_backend_requests_total',
      help: 'Calls to the model backend, by operation and outcome (ok, error, timeout, unreachable, not_found).',
      labelNames: ['operation', 'outcome'],
      registers: [registry],
    }),
    backendDuration: new Histogram({
      name: 'ftlab_serve_backend_duration_seconds',
      help: 'Time spent waiting for the model backend.',
      labelNames: ['operation'],
      buckets: latencyBuckets,
      registers: [registry],
    }),
    promptTokens: new Counter({
      name: 'ftlab_serve_prompt_tokens_total',
      help: 'Prompt tokens reported by the backend.',
      registers: [registry],
    }),
    completionTokens: new Counter({
      name: 'ftlab_serve_completion_tokens_total',
      help: 'Generated tokens reported by the backend.',
      registers: [registry],
    }),
  };
}
