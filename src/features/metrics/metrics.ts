import { Counter, Gauge, Registry } from 'prom-client';
import type { CloudHealth } from '../../../adapters/procurement-cloud.js';

const circuitValue: Record<CloudHealth['circuit'], number> = { closed: 0, half_open: 1, open: 2 };

/** The gateway's Prometheus metrics, in a registry of its own (one per app, so tests do not collide). */
export interface GatewayMetrics {
  registry: Registry;
  upstreamAttempts: Counter<'operation' | 'outcome'>;
  syncChanges: Counter<'source' | 'outcome'>;
}

/** Creates the registry; the circuit gauge reads the cloud's state when scraped. */
export function createMetrics(health: () => CloudHealth): GatewayMetrics {
  const registry = new Registry();
  const upstreamAttempts = new Counter({
    name: 'zcd_upstream_requests_total',
    help: 'HTTP attempts to the procurement cloud, by operation and outcome.',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  const syncChanges = new Counter({
    name: 'zcd_sync_changes_total',
    help: 'Changes from the procurement cloud, by source and outcome (applied, skipped, quarantined).',
    labelNames: ['source', 'outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'zcd_upstream_circuit_state',
    help: 'Circuit breaker towards the procurement cloud: 0 closed, 1 half-open, 2 open.',
    registers: [registry],
    collect() {
      this.set(circuitValue[health().circuit]);
    },
  });
  return { registry, upstreamAttempts, syncChanges };
}
