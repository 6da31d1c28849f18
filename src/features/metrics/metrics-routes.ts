import { defineRoute } from '../../http/route.js';
import type { GatewayMetrics } from './metrics.js';

/** `GET /metrics`: Prometheus text exposition. */
export function createMetricsRoutes({ metrics }: { metrics: GatewayMetrics }) {
  return [
    defineRoute({
      method: 'get',
      path: '/metrics',
      operationId: 'getMetrics',
      access: { public: true },
      handler: async ({ res }) => {
        const body = await metrics.registry.metrics();
        res.setHeader('Cache-Control', 'no-store');
        res.type('text/plain; version=0.0.4; charset=utf-8').send(body);
      },
    }),
  ];
}
