import { join } from 'node:path';
import { z } from 'zod';
import { packageRoot } from './paths.js';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const port = z.coerce.number().int().min(0).max(65535);

const databaseUrl = z
  .string()
  .min(1)
  .refine((v) => /^(postgres|postgresql):\/\//.test(v) || /^(sqlite:|file:)?[^:]+$/.test(v) || v === ':memory:', {
    message: 'expected postgres://…, sqlite:PATH, file:PATH or a file path',
  });

const httpUrl = z.url({ protocol: /^https?$/ }).transform((v) => v.replace(/\/+$/, ''));

/** The environment variables the gateway reads, each with its default. */
export const envSchema = z.object({
  PORT: port.default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  // Anchored to the package, not the working directory: \`zcd\` run from a subdirectory opens the same database.
  DATABASE_URL: databaseUrl.default(`sqlite:${join(packageRoot, 'data', 'zcd.sqlite')}`),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  ISSUER_URL: httpUrl.optional(),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  JWKS_URI_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false'),
  JWKS_URI_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3_000),
  JWKS_URI_COOLDOWN_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  JWKS_URI_CACHE_MS: z.coerce.number().int().min(0).max(86_400_000).default(600_000),
  TOKEN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(60),
  UPSTREAM: z.enum(['sandbox', 'http']).default('sandbox'),
  UPSTREAM_URL: httpUrl.optional(),
  UPSTREAM_CREDENTIAL: z.string().min(16).max(4096).optional(),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  SYNC_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(30_000),
  LOCK_POLL_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
  AUDIT_SEQUENCE_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  PAYMENT_CHECK_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(600_000),
  PAYMENT_DAYS_STATUTORY: z.coerce.number().int().min(1).max(365).default(30),
  PAYMENT_DAYS_MAX: z.coerce.number().int().min(1).max(365).default(60),
  SYNC_PAGE_SIZE: z.coerce.number().int().min(1).max(5_000).default(1_000),
  PUBLIC_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(120),
  WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false'),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  WEBHOOK_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(100),
  WEBHOOK_DISPATCH: z.enum(['true', 'false']).default('true'),
  SANDBOX_OIDC: z.enum(['true', 'false']).optional(),
  STAFF_OIDC_ISSUER: httpUrl.optional(),
  STAFF_OIDC_CLIENT_ID: z.string().min(1).max(255).optional(),
  UPSTREAM_OIDC_CLIENT_ID: z.string().min(1).max(255).optional(),
  OIDC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  SESSION_IDLE_TIMEOUT_MS: z.coerce.number().int().min(60_000).max(86_400_000).default(1_800_000),
  SESSION_ABSOLUTE_TIMEOUT_MS: z.coerce.number().int().min(60_000).max(2_592_000_000).default(43_200_000),
});

/** Which procurement cloud the gateway talks to. */
export type UpstreamTarget =
  | { kind: 'sandbox' }
  | { kind: 'http'; url: string; credential: string; timeoutMs: number };

/** One OpenID provider the gateway signs people in at, as a relying party with `private_key_jwt`. */
export interface OidcProviderTarget {
  /** The provider's issuer identifier; its discovery document is `{issuer}/.well-known/openid-configuration`. */
  readonly issuer: string;
  /** The gateway's client id at that provider. */
  readonly clientId: string;
}

/** Sign-in of people (SMEs and bureau staff) and their sessions. */
export interface SignInConfig {
  /** Whether the sandbox development provider is served at `/sandbox/oidc` (never with `UPSTREAM=http`). */
  readonly sandboxProvider: boolean;
  /** Where SMEs sign in (the procurement cloud, or the sandbox provider); undefined: SME sign-in is off. */
  readonly supplier: OidcProviderTarget | undefined;
  /** Where bureau staff sign in; undefined: staff sign-in is off. */
  readonly staff: OidcProviderTarget | undefined;
  /** Timeout of every call to a provider (discovery, token, keys). */
  readonly timeoutMs: number;
  /** A session unused this long is over. */
  readonly sessionIdleMs: number;
  /** A session is over this long after sign-in, used or not. */
  readonly sessionAbsoluteMs: number;
}

/** The path the sandbox development provider is mounted at. */
export const SANDBOX_OIDC_PATH = '/sandbox/oidc';

/** The client id the gateway has at the sandbox development provider. */
export const SANDBOX_OIDC_CLIENT_ID = 'zcd-gateway';

/** Sign-in settings as the sandbox has them: both kinds of people at the sandbox provider, default timeouts. */
export function sandboxSignIn(issuer: string, overrides: Partial<SignInConfig> = {}): SignInConfig {
  const sandbox = { issuer: issuer + SANDBOX_OIDC_PATH, clientId: SANDBOX_OIDC_CLIENT_ID };
  return {
    sandboxProvider: true,
    supplier: sandbox,
    staff: sandbox,
    timeoutMs: 5_000,
    sessionIdleMs: 1_800_000,
    sessionAbsoluteMs: 43_200_000,
    ...overrides,
  };
}

/** Where the gateway keeps its state. */
export type DatabaseTarget =
  | { client: 'sqlite'; filename: string }
  | { client: 'pg'; connectionString: string };

/** The gateway's configuration: parsed once at start-up, then frozen. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly database: DatabaseTarget;
  readonly logLevel: (typeof logLevels)[number];
  /** The public base URL of this gateway; the OAuth issuer identifier. */
  readonly issuer: string;
  readonly shutdownGraceMs: number;
  /** Whether a client's `jwks_uri` may point at a private, loopback or link-local address. */
  readonly jwksUriAllowPrivate: boolean;
  /** How long one `jwks_uri` fetch may take. */
  readonly jwksUriTimeoutMs: number;
  /** Least time between two refetches of one `jwks_uri` caused by an unknown `kid`. */
  readonly jwksUriCooldownMs: number;
  /** How long a fetched `jwks_uri` document is used before it is fetched again. */
  readonly jwksUriCacheMs: number;
  /** Requests one client may make to the token endpoint per minute. */
  readonly tokenRateLimitPerMinute: number;
  /** The procurement cloud: the seeded sandbox (default) or the real one over HTTP. */
  readonly upstream: UpstreamTarget;
  /** How often `zcd serve` syncs the cloud's change feed; 0 turns it off. */
  readonly syncIntervalMs: number;
  /** Changes asked for per page of the feed (each page is one transaction). */
  readonly syncPageSize: number;
  /** How often `zcd serve` asks the cloud about collection-account locks still pending; 0 turns it off. */
  readonly lockPollIntervalMs: number;
  /** How often the audit sequencer adds new entries to the Merkle tree and publishes a head (0: never). */
  readonly auditSequenceIntervalMs?: number;
  /** How often `zcd serve` looks for payments past their due date on financed contracts; 0 turns it off. */
  readonly paymentCheckIntervalMs: number;
  /** The payment period after acceptance, in days, when the contract sets none (保障中小企业款项支付条例: 30). */
  readonly paymentDaysStatutory: number;
  /** The longest payment period after acceptance a contract may set, in days (the same rule: 60). */
  readonly paymentDaysMax: number;
  /** Requests one client address may make to the public (no-token) endpoints per minute; also the burst. */
  readonly publicRateLimitPerMinute: number;
  /** Whether webhooks may go to plain http and to private, loopback or link-local addresses (sandbox, tests). */
  readonly webhookAllowPrivate: boolean;
  /** How long one webhook POST may take. */
  readonly webhookTimeoutMs: number;
  /** How often an idle dispatcher looks for due deliveries. */
  readonly webhookPollMs: number;
  /** Whether `zcd serve` runs a webhook dispatcher (turn off when `zcd deliver` runs elsewhere). */
  readonly webhookDispatch: boolean;
  /** Sign-in of people and sessions. */
  readonly signIn: SignInConfig;
}

/** A setting in the environment that cannot be used; names it. */
export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(
      'invalid configuration: ' + issues.map((i) => `${i.variable}: ${i.message}`).join('; '),
    );
    this.name = 'ConfigError';
  }
}

/** Reads DATABASE_URL into a target, the SQLite path taken as written. */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (/^postgres(ql)?:\/\//.test(url)) return { client: 'pg', connectionString: url };
  return { client: 'sqlite', filename: url.replace(/^(sqlite|file):(\/\/)?/, '') };
}

/** Parses the environment once; throws {@link ConfigError} naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? '?'), message: i.message })),
    );
  }
  const e = parsed.data;
  if (e.UPSTREAM === 'http') {
    const missing = (['UPSTREAM_URL', 'UPSTREAM_CREDENTIAL'] as const).filter((v) => e[v] === undefined);
    if (missing.length) throw new ConfigError(missing.map((variable) => ({ variable, message: 'required when UPSTREAM=http' })));
  }
  const issuer = e.ISSUER_URL ?? `http://localhost:${e.PORT}`;
  const signIn = signInConfig(e, issuer);
  const upstream: UpstreamTarget =
    e.UPSTREAM === 'http'
      ? { kind: 'http', url: e.UPSTREAM_URL!, credential: e.UPSTREAM_CREDENTIAL!, timeoutMs: e.UPSTREAM_TIMEOUT_MS }
      : { kind: 'sandbox' };
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    database: Object.freeze(parseDatabaseUrl(e.DATABASE_URL)),
    logLevel: e.LOG_LEVEL,
    issuer,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    jwksUriAllowPrivate: e.JWKS_URI_ALLOW_PRIVATE === 'true',
    jwksUriTimeoutMs: e.JWKS_URI_TIMEOUT_MS,
    jwksUriCooldownMs: e.JWKS_URI_COOLDOWN_MS,
    jwksUriCacheMs: e.JWKS_URI_CACHE_MS,
    tokenRateLimitPerMinute: e.TOKEN_RATE_LIMIT_PER_MINUTE,
    upstream: Object.freeze(upstream),
    syncIntervalMs: e.SYNC_INTERVAL_MS,
    syncPageSize: e.SYNC_PAGE_SIZE,
    lockPollIntervalMs: e.LOCK_POLL_INTERVAL_MS,
    auditSequenceIntervalMs: e.AUDIT_SEQUENCE_INTERVAL_MS,
    paymentCheckIntervalMs: e.PAYMENT_CHECK_INTERVAL_MS,
    paymentDaysStatutory: e.PAYMENT_DAYS_STATUTORY,
    paymentDaysMax: Math.max(e.PAYMENT_DAYS_MAX, e.PAYMENT_DAYS_STATUTORY),
    publicRateLimitPerMinute: e.PUBLIC_RATE_LIMIT_PER_MINUTE,
    webhookAllowPrivate: e.WEBHOOK_ALLOW_PRIVATE === 'true',
    webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
    webhookPollMs: e.WEBHOOK_POLL_MS,
    webhookDispatch: e.WEBHOOK_DISPATCH === 'true',
    signIn: Object.freeze(signIn),
  });
}

/**
 * Where people sign in. The sandbox provider is on by default with the sandbox cloud and may never be on with
 * the real one; SMEs sign in at the cloud (its issuer is `UPSTREAM_URL`) once the gateway has a client id there;
 * staff at `STAFF_OIDC_ISSUER`, or at the sandbox provider when that is on.
 */
function signInConfig(e: z.infer<typeof envSchema>, issuer: string): SignInConfig {
  const sandboxProvider = (e.SANDBOX_OIDC ?? (e.UPSTREAM === 'sandbox' ? 'true' : 'false')) === 'true';
  const sandboxIssuer = issuer + SANDBOX_OIDC_PATH;
  if (e.UPSTREAM === 'http') {
    const refused: { variable: string; message: string }[] = [];
    if (sandboxProvider) refused.push({ variable: 'SANDBOX_OIDC', message: 'the sandbox identity provider is never served with UPSTREAM=http' });
    if (e.STAFF_OIDC_ISSUER !== undefined && (e.STAFF_OIDC_ISSUER + '/').startsWith(issuer + '/sandbox/')) {
      refused.push({ variable: 'STAFF_OIDC_ISSUER', message: 'names the sandbox identity provider, which is never served with UPSTREAM=http' });
    }
    if (refused.length) throw new ConfigError(refused);
  }
  const plainHttp = (url: string) => url.startsWith('http:') && !['localhost', '127.0.0.1', '[::1]'].includes(new URL(url).hostname);
  if (e.STAFF_OIDC_ISSUER !== undefined && plainHttp(e.STAFF_OIDC_ISSUER) && !(sandboxProvider && e.STAFF_OIDC_ISSUER === sandboxIssuer)) {
    throw new ConfigError([{ variable: 'STAFF_OIDC_ISSUER', message: 'an identity provider must use https (plain http only on loopback)' }]);
  }
  if (e.UPSTREAM === 'http' && e.UPSTREAM_OIDC_CLIENT_ID !== undefined && plainHttp(e.UPSTREAM_URL!)) {
    throw new ConfigError([{ variable: 'UPSTREAM_URL', message: 'SMEs sign in at the cloud: it must use https (plain http only on loopback)' }]);
  }
  if (e.STAFF_OIDC_ISSUER !== undefined && e.STAFF_OIDC_CLIENT_ID === undefined && !(sandboxProvider && e.STAFF_OIDC_ISSUER === sandboxIssuer)) {
    throw new ConfigError([{ variable: 'STAFF_OIDC_CLIENT_ID', message: 'required when STAFF_OIDC_ISSUER is set' }]);
  }
  const sandbox = { issuer: sandboxIssuer, clientId: SANDBOX_OIDC_CLIENT_ID };
  const staff: OidcProviderTarget | undefined =
    e.STAFF_OIDC_ISSUER !== undefined
      ? { issuer: e.STAFF_OIDC_ISSUER, clientId: e.STAFF_OIDC_CLIENT_ID ?? SANDBOX_OIDC_CLIENT_ID }
      : sandboxProvider ? sandbox : undefined;
  const supplier: OidcProviderTarget | undefined =
    e.UPSTREAM === 'http'
      ? e.UPSTREAM_OIDC_CLIENT_ID === undefined ? undefined : { issuer: e.UPSTREAM_URL!, clientId: e.UPSTREAM_OIDC_CLIENT_ID }
      : sandboxProvider ? sandbox : undefined;
  if (e.SESSION_IDLE_TIMEOUT_MS > e.SESSION_ABSOLUTE_TIMEOUT_MS) {
    throw new ConfigError([{ variable: 'SESSION_IDLE_TIMEOUT_MS', message: 'must not exceed SESSION_ABSOLUTE_TIMEOUT_MS' }]);
  }
  return {
    sandboxProvider,
    supplier: supplier && Object.freeze(supplier),
    staff: staff && Object.freeze(staff),
    timeoutMs: e.OIDC_TIMEOUT_MS,
    sessionIdleMs: e.SESSION_IDLE_TIMEOUT_MS,
    sessionAbsoluteMs: e.SESSION_ABSOLUTE_TIMEOUT_MS,
  };
}
