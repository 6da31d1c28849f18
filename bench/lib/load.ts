import autocannon from 'autocannon';

/** One request as the load generator sends it. */
export interface RequestShape {
  headers?: Record<string, string>;
  body?: string;
}

/** A load to drive at a server over loopback. */
export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  path: string;
  connections: number;
  durationS: number;
  warmupS: number;
  /** Headers and body every request carries. */
  fixed?: RequestShape;
  /** Per-request headers and body (a pre-built pool, e.g. signed assertions); merged over `fixed`. */
  next?: () => RequestShape;
  /** Called when the measured run starts (after the warm-up) and when it ends. */
  onMeasured?: (phase: 'start' | 'end') => void;
}

/** What one measured run showed. */
export interface LoadResult {
  requests: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Socket errors, timeouts and non-2xx answers. */
  errors: number;
  /** Answers by status code. */
  statuses: Record<string, number>;
}

function once(spec: LoadSpec, durationS: number): Promise<autocannon.Result> {
  const fixed = spec.fixed ?? {};
  const request: autocannon.Request = { method: spec.method, path: spec.path };
  if (fixed.headers) request.headers = fixed.headers;
  if (fixed.body !== undefined) request.body = fixed.body;
  if (spec.next) {
    const next = spec.next;
    request.setupRequest = (req) => {
      const r = next();
      return { ...req, headers: { ...req.headers, ...r.headers }, ...(r.body !== undefined ? { body: r.body } : {}) };
    };
  }
  return autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: durationS,
    timeout: 10,
    requests: [request],
  });
}

/** Warms the server up (results discarded), then measures; autocannon runs in this process, the server in its own. */
export async function measure(spec: LoadSpec): Promise<LoadResult> {
  if (spec.warmupS > 0) await once(spec, spec.warmupS);
  spec.onMeasured?.('start');
  const r = await once(spec, spec.durationS);
  spec.onMeasured?.('end');
  const statuses: Record<string, number> = {};
  for (const [code, v] of Object.entries(r.statusCodeStats ?? {})) statuses[code] = (v as { count: number }).count;
  return {
    requests: r.requests.total,
    reqPerSec: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx,
    statuses,
  };
}
