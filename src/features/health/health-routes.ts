import { defineRoute } from '../../http/route.js';
import type { components } from '../../generated/openapi.js';

type Readiness = components['schemas']['Readiness'];

/** A named readiness check: resolves to ok or not, with a short reason. */
export type ReadinessCheck = () => Promise<{ ok: boolean; detail?: string }>;

async function run(check: ReadinessCheck): Promise<{ ok: boolean; detail?: string }> {
  try {
    return await Promise.race([
      check(),
      new Promise<{ ok: boolean; detail: string }>((resolve) =>
        setTimeout(() => resolve({ ok: false, detail: 'timed out' }), 2000).unref(),
      ),
    ]);
  } catch {
    // The reason stays in the logs of whoever owns the check; readiness says only that it failed.
    return { ok: false, detail: 'unavailable' };
  }
}

/** `/healthz` and `/readyz`. */
export function createHealthRoutes({ checks }: { checks: Record<string, ReadinessCheck> }) {
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      operationId: 'getHealth',
      access: { public: true },
      handler: () => ({ status: 'ok' as const, time: new Date().toISOString() }),
    }),
    defineRoute({
      method: 'get',
      path: '/readyz',
      operationId: 'getReadiness',
      access: { public: true },
      handler: async ({ res }) => {
        const names = Object.keys(checks);
        const results = await Promise.all(names.map((n) => run(checks[n]!)));
        const body: Readiness = {
          status: results.every((r) => r.ok) ? 'ready' : 'not_ready',
          checks: Object.fromEntries(names.map((n, i) => [n, results[i]!])),
        };
        res.setHeader('Cache-Control', 'no-store');
        res.status(body.status === 'ready' ? 200 : 503).json(body);
      },
    }),
  ];
}
