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

/**
 * `/healthz` and `/readyz`. Readiness is decided by `checks` alone (the gateway's own database): any of them
 * failing is 503, which takes the instance out of a load balancer. `advisory` checks (the procurement cloud)
 * are reported beside them; one failing makes the status `degraded` but keeps 200, since every instance
 * shares the same upstream and bank reads come from the gateway's own database.
 */
export function createHealthRoutes({ checks, advisory = {} }: { checks: Record<string, ReadinessCheck>; advisory?: Record<string, ReadinessCheck> }) {
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
        const all = { ...checks, ...advisory };
        const names = Object.keys(all);
        const results = await Promise.all(names.map((n) => run(all[n]!)));
        const failed = names.filter((_, i) => !results[i]!.ok);
        const status: Readiness['status'] = failed.some((n) => n in checks) ? 'not_ready' : failed.length > 0 ? 'degraded' : 'ready';
        const body: Readiness = { status, checks: Object.fromEntries(names.map((n, i) => [n, results[i]!])) };
        res.setHeader('Cache-Control', 'no-store');
        res.status(status === 'not_ready' ? 503 : 200).json(body);
      },
    }),
  ];
}
