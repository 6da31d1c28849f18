import { randomBytes, randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Knex } from '../../db/knex.js';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { SANDBOX_OIDC_CLIENT_ID, SANDBOX_OIDC_PATH } from '../../config.js';
import type { Logger } from '../../logger.js';
import { KnexSandboxOidcAdapter, KnexSandboxOidcStore } from './sandbox-oidc-knex-store.js';
import { sandboxErrorPage, sandboxLoginPage } from './sandbox-login-page.js';
import type { SandboxPeople } from './sandbox-people.js';

type OidcModule = typeof import('oidc-provider');
type Provider = InstanceType<OidcModule['default']>;

/** The scopes the gateway asks for: `supplier` makes it an SME's sign-in, without it a staff member's. */
export const SANDBOX_SCOPES = ['openid', 'profile', 'supplier'] as const;

/** What the sandbox provider is built from. */
export interface SandboxOidcDeps {
  db: Knex;
  /** The gateway's issuer (its public base URL); the provider's issuer is this plus `/sandbox/oidc`. */
  issuer: string;
  people: SandboxPeople;
  logger: Logger;
}

async function newSigningJwk(): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return JSON.stringify({ ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'ES256', use: 'sig' });
}

/**
 * Builds the sandbox provider (oidc-provider, loaded only here so the real cloud's deployments never load
 * it): one client, the gateway, authenticating with `private_key_jwt` against the gateway's published
 * relying-party JWKS; authorization code with PKCE only; ES256 ID tokens carrying `name`, and for suppliers
 * `uscc` and `company_name`; its keys and state in the gateway's database. It asks who signs in every time
 * (no silent single sign-on), so one browser can switch between demo people.
 */
async function buildProvider(deps: SandboxOidcDeps): Promise<Provider> {
  const { default: Provider, interactionPolicy } = await import('oidc-provider');
  const store = new KnexSandboxOidcStore(deps.db);
  const signingJwk = JSON.parse(await store.setting('signing-jwk', newSigningJwk)) as JWK;
  const cookieKey = await store.setting('cookie-key', async () => randomBytes(32).toString('base64url'));
  const relyingPartyJwks = `${deps.issuer}/auth/jwks.json`;
  const policy = interactionPolicy.base();
  policy.get('login')!.checks.add(
    new interactionPolicy.Check('sandbox_asks_every_time', 'the sandbox asks who signs in every time', (ctx: KoaContextWithOIDC) =>
      ctx.oidc.result?.login ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT,
    ),
  );
  const provider = new Provider(deps.issuer + SANDBOX_OIDC_PATH, {
    adapter: (name: string) => new KnexSandboxOidcAdapter(deps.db, name),
    clients: [
      {
        client_id: SANDBOX_OIDC_CLIENT_ID,
        client_name: '政采贷网关',
        redirect_uris: [`${deps.issuer}/auth/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES256',
        id_token_signed_response_alg: 'ES256',
        jwks_uri: relyingPartyJwks,
      },
    ],
    // oidc-provider refuses loopback and private addresses (SSRF); the gateway's own JWKS is fetched there on
    // a laptop, so that one URL — and only it — goes out without that check.
    fetch: (url: Parameters<typeof fetch>[0], options?: RequestInit) => {
      if (String(url) !== relyingPartyJwks) return fetch(url, options);
      const { dispatcher: _ssrfGuard, ...plain } = (options ?? {}) as RequestInit & { dispatcher?: unknown };
      return fetch(url, plain);
    },
    jwks: { keys: [signingJwk] },
    cookies: { keys: [cookieKey] },
    scopes: [...SANDBOX_SCOPES],
    claims: { openid: ['sub'], profile: ['name'], supplier: ['uscc', 'company_name'] },
    // The gateway reads the person from the ID token alone.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    pkce: { required: () => true },
    enabledJWA: { idTokenSigningAlgValues: ['ES256'], clientAuthSigningAlgValues: ['ES256'] },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: false } },
    ttl: { Interaction: 600, Session: 600, Grant: 600, AuthorizationCode: 60, AccessToken: 300, IdToken: 300 },
    interactions: { url: (_ctx: KoaContextWithOIDC, interaction: { uid: string }) => `${SANDBOX_OIDC_PATH}/interaction/${interaction.uid}`, policy },
    findAccount: async (_ctx: KoaContextWithOIDC, sub: string) => {
      const claims = await deps.people.claims(sub);
      return claims && { accountId: sub, claims: () => ({ ...claims }) };
    },
    // The gateway is the sandbox's only, first-party client: what it asks for is granted without a consent page.
    // A grant is reused only for the same person and scopes: one browser switches between demo people.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { oidc } = ctx;
      const clientId = oidc.client!.clientId;
      const accountId = oidc.session!.accountId!;
      const scope = String(oidc.params?.scope ?? 'openid');
      const existing = oidc.session!.grantIdFor(clientId);
      if (existing) {
        const grant = await oidc.provider.Grant.find(existing);
        const covered = grant?.getOIDCScope().split(' ') ?? [];
        if (grant && grant.accountId === accountId && scope.split(' ').every((s) => covered.includes(s))) return grant;
      }
      const grant = new oidc.provider.Grant({ clientId, accountId });
      grant.addOIDCScope(scope);
      await grant.save();
      oidc.session!.grantIdFor(clientId, grant.jti);
      return grant;
    },
    renderError: async (ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }) => {
      ctx.type = 'html';
      ctx.body = sandboxErrorPage('登录出错', `${out.error}: ${out.error_description ?? ''}`);
    },
  });
  provider.on('server_error', (_ctx: unknown, err: unknown) => deps.logger.error({ err }, 'sandbox identity provider failed'));
  // Refusals are the relying party's business, but their detail (never sent to it) helps whoever runs the sandbox.
  const refused = (event: string) => (_ctx: unknown, err: { error?: string; error_description?: string; error_detail?: string }) =>
    deps.logger.info({ event, error: err.error, description: err.error_description, detail: err.error_detail }, 'sandbox identity provider refused a request');
  provider.on('grant.error', refused('grant.error'));
  provider.on('authorization.error', refused('authorization.error'));
  return provider;
}

function page(res: Response, status: number, html: string): void {
  res.status(status).type('text/html; charset=utf-8').setHeader('Cache-Control', 'no-store');
  res.send(html);
}

/**
 * The sandbox development identity provider as an express router, to be mounted at `/sandbox/oidc` in
 * sandbox mode only: its login (interaction) pages, and oidc-provider for the protocol
 * endpoints (discovery, authorization, token, JWKS, userinfo). The provider is built on the first request.
 */
export function createSandboxOidcRouter(deps: SandboxOidcDeps): Router {
  let built: Promise<Provider> | undefined;
  const provider = () =>
    (built ??= buildProvider(deps).catch((err: unknown) => {
      built = undefined;
      throw err;
    }));

  /** The interaction of this browser, if the URL names it; else answers with a page and returns undefined. */
  const interaction = async (req: Request, res: Response) => {
    try {
      const details = await (await provider()).interactionDetails(req, res);
      if (details.uid === req.params.uid) return details;
    } catch (err) {
      if (!(err instanceof Error && err.name === 'SessionNotFound')) throw err;
    }
    page(res, 400, sandboxErrorPage('登录已失效', '这次登录已过期或不属于本浏览器，请回到网关重新登录。'));
    return undefined;
  };
  const kindOf = (details: { params: Record<string, unknown> }) =>
    String(details.params.scope ?? '').split(' ').includes('supplier') ? 'supplier' : 'staff';
  const render = async (uid: string, kind: 'supplier' | 'staff', error?: string) =>
    sandboxLoginPage({
      uid,
      base: SANDBOX_OIDC_PATH,
      kind,
      suppliers: kind === 'supplier' ? await deps.people.suppliers() : [],
      staff: kind === 'staff' ? await deps.people.staff() : [],
      ...(error ? { error } : {}),
    });

  const router = express.Router();
  router.get('/interaction/:uid', async (req, res) => {
    const details = await interaction(req, res);
    if (details) page(res, 200, await render(details.uid, kindOf(details)));
  });
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 5 });
  router.post('/interaction/:uid/login', form, async (req, res) => {
    const details = await interaction(req, res);
    if (!details) return;
    const kind = kindOf(details);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const accountId = deps.people.accountFor({ uscc: text(body.uscc), subject: text(body.subject) }, kind);
    if (!accountId) {
      const error = kind === 'supplier' ? '这不是沙箱中的供应商统一社会信用代码，请从列表中选择或重新输入。' : '账号标识只能包含字母、数字和 . _ @ : -，最长 64 个字符。';
      page(res, 400, await render(details.uid, kind, error));
      return;
    }
    const oidc = await provider();
    // The sandbox keeps nobody signed in between sign-ins: a person the browser signed in as before is
    // signed out here, or oidc-provider would answer the switch with a logout page that runs an inline script.
    if (details.session?.uid) {
      await (await oidc.Session.findByUid(details.session.uid))?.destroy();
      details.session = undefined;
      await details.save(Math.max(1, details.exp - Math.floor(Date.now() / 1000)));
    }
    await oidc.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
  });
  router.post('/interaction/:uid/abort', async (req, res) => {
    if (!(await interaction(req, res))) return;
    await (await provider()).interactionFinished(req, res, { error: 'access_denied', error_description: 'the person cancelled the sign-in' }, { mergeWithLastSubmission: false });
  });
  router.use(async (req, res) => {
    (await provider()).callback()(req, res);
  });
  return router;
}
