import type { Knex } from '../src/db/knex.js';
import type { UpstreamTarget } from '../src/config.js';
import { CircuitBreaker, type CircuitState } from './http/circuit-breaker.js';
import { HttpProcurementCloud } from './http/http-cloud.js';
import type { ProcurementCloud } from './procurement-cloud.js';
import { SandboxCloud } from './sandbox/sandbox-cloud.js';

/** Hooks the app gives the adapter for its metrics. */
export interface CloudHooks {
  onAttempt?: (operation: string, outcome: 'ok' | 'error') => void;
  onCircuitChange?: (state: CircuitState) => void;
}

/** The procurement cloud the configuration names: the sandbox on this database, or the HTTP cloud. */
export function createProcurementCloud(upstream: UpstreamTarget, db: Knex, hooks: CloudHooks = {}): ProcurementCloud {
  if (upstream.kind === 'sandbox') return new SandboxCloud(db);
  return new HttpProcurementCloud({
    baseUrl: upstream.url,
    credential: upstream.credential,
    timeoutMs: upstream.timeoutMs,
    breaker: new CircuitBreaker({ onStateChange: hooks.onCircuitChange }),
    onAttempt: hooks.onAttempt,
  });
}
