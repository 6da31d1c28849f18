import type { GatewayApi, ApiParty } from '../lib/api.js';
import type { BenchDatabase } from '../lib/database.js';
import type { BenchKey } from '../lib/jose-pools.js';
import type { BenchOptions } from '../lib/options.js';
import type { ServerProcess } from '../lib/processes.js';
import type { RssSampler } from '../lib/rss.js';
import type { GatewayClient, WebhookReceiver } from '@zcd-gateway/client';
import type { ZcdCli } from '../lib/zcd-cli.js';

/** A client registered with the gateway under test. */
export interface BenchClient extends ApiParty {
  clientId: string;
  key: BenchKey & { kid: string };
}

/** The gateway under test, started once for S1–S4, with the clients onboarded before it started. */
export interface GatewayUnderTest {
  server: ServerProcess;
  /** Its ISSUER_URL (token audience, DPoP htu base). */
  issuer: string;
  api: GatewayApi;
  zcd: ZcdCli;
  db: BenchDatabase;
  rss: RssSampler;
  /** The 150000 bureau. */
  bureau: BenchClient;
  /** A bank registered with `--no-dpop` (Bearer tokens). */
  bank: BenchClient;
  /** Receives the Bearer bank's webhooks (its secret set). */
  webhooks: WebhookReceiver;
  /** A bank whose tokens are DPoP-bound. */
  dpopBank: BenchClient & { dpopKey: BenchKey };
  /**
   * The typed client package (`@zcd-gateway/client`) as each party, for setting scenarios up as a bank's code
   * would; `anonymous` has no credentials (a supplier passes its identity token per call). The load itself is
   * sent with pre-signed tokens and proofs, so that signing does not compete with the server for the CPU.
   */
  clients: { bureau: GatewayClient; bank: GatewayClient; dpopBank: GatewayClient; anonymous: GatewayClient };
}

/** What every scenario is handed. */
export interface BenchContext {
  options: BenchOptions;
  /** The package root. */
  root: string;
  /** Prints one progress line. */
  progress(line: string): void;
  /** Present for scenarios that run against the gateway. */
  gateway?: GatewayUnderTest;
  /** State scenarios hand on to later ones (e.g. the financing fixture S1 and S3 share). */
  shared: Map<string, unknown>;
}

/** One scenario's figures; absent fields do not apply to it. */
export interface Measured {
  status: 'measured';
  reqPerSec?: number;
  p50Ms?: number;
  p99Ms?: number;
  errors?: number;
  requests?: number;
  /** Peak RSS of the server measured, MB. */
  peakRssMb?: number;
  /** CPU time (user + system, all threads) the server spent per answered request, µs: steadier than req/s on a shared box. */
  cpuUsPerRequest?: number;
  /** For S5: contracts per second. */
  rowsPerSec?: number;
  note?: string;
}

/** A scenario that this build of the gateway cannot run yet. */
export interface NotAvailable {
  status: 'n/a';
  reason: string;
}

/** A scenario whose harness code failed (the run exits non-zero). */
export interface Failed {
  status: 'failed';
  reason: string;
}

/** How a scenario ended. */
export type Outcome = Measured | NotAvailable | Failed;

/** Which process a scenario measures. */
export type Target = 'reference' | 'gateway' | 'cli';

/** One row of the bench. */
export interface Scenario {
  id: string;
  title: string;
  target: Target;
  /** Runs only when asked (`--s5`). */
  optIn?: boolean;
  run(ctx: BenchContext): Promise<Outcome>;
}

/** The outcome "not in this build", with the reason shown in the table's note. */
export const notAvailable = (reason: string): NotAvailable => ({ status: 'n/a', reason });
