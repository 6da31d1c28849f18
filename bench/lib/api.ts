import { clientAssertion, dpopPool, tokenForm, type BenchKey } from './jose-pools.js';

/** An answer from the gateway. */
export interface ApiAnswer {
  status: number;
  body: Record<string, unknown> | undefined;
  text: string;
}

/** A client of the gateway: an institution or bureau (with keys), or a supplier (with an identity token). */
export interface ApiParty {
  clientId?: string;
  key?: BenchKey & { kid: string };
  /** When set, the party's tokens are DPoP-bound to this key and every call carries a fresh proof. */
  dpopKey?: BenchKey;
  /** A bearer token to use as is (a supplier identity token). */
  bearer?: string;
}

/** Thrown when a setup call does not answer as expected; `unavailable` when the operation is not in this build. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly answer: ApiAnswer,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** True when the gateway does not publish the operation (404 route_not_found). */
  get unavailable(): boolean {
    return this.answer.status === 404 && this.answer.body?.code === 'route_not_found';
  }
}

/** Calls the gateway with fetch, for setting up scenarios (not for load). */
export class GatewayApi {
  private tokens = new Map<ApiParty, { token: string; until: number }>();

  constructor(
    readonly baseUrl: string,
    /** The gateway's issuer identifier (ISSUER_URL). */
    readonly issuer: string,
  ) {}

  private async send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<ApiAnswer> {
    const res = await fetch(this.baseUrl + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: Record<string, unknown> | undefined;
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text };
  }

  /** An access token for `party` (cached until shortly before it expires). */
  async token(party: ApiParty): Promise<string> {
    if (party.bearer) return party.bearer;
    const cached = this.tokens.get(party);
    if (cached && cached.until > Date.now()) return cached.token;
    if (!party.clientId || !party.key) throw new Error('party has neither keys nor a bearer token');
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (party.dpopKey) headers.dpop = (await dpopPool({ key: party.dpopKey, htm: 'POST', htu: `${this.issuer}/oauth2/token`, count: 1 }))[0]!;
    const answer = await this.send('POST', '/oauth2/token', headers, tokenForm(await clientAssertion(party.clientId, party.key, this.issuer)));
    if (answer.status !== 200) throw new ApiError(`token request failed: ${answer.status} ${answer.text}`, answer);
    const token = String(answer.body!.access_token);
    this.tokens.set(party, { token, until: Date.now() + (Number(answer.body!.expires_in) - 60) * 1000 });
    return token;
  }

  /** Headers that authenticate `party` for one request. */
  async authHeaders(party: ApiParty, method: string, path: string): Promise<Record<string, string>> {
    const token = await this.token(party);
    if (!party.dpopKey || party.bearer) return { authorization: `Bearer ${token}` };
    const [proof] = await dpopPool({ key: party.dpopKey, htm: method, htu: this.issuer + path.split('?')[0], accessToken: token, count: 1 });
    return { authorization: `DPoP ${token}`, dpop: proof! };
  }

  /** Calls an operation as `party`; throws {@link ApiError} unless the status is `expect`. */
  async call(party: ApiParty, method: string, path: string, body: unknown, expect: number): Promise<Record<string, unknown>> {
    const headers = await this.authHeaders(party, method, path);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const answer = await this.send(method, path, headers, body === undefined ? undefined : JSON.stringify(body));
    if (answer.status !== expect) throw new ApiError(`${method} ${path}: ${answer.status} ${answer.text.slice(0, 500)}`, answer);
    return answer.body ?? {};
  }
}
