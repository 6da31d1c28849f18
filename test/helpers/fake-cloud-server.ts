import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { CompactSign, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { CLOUD_SIGNING_ALG, NOTIFICATION_TYP } from '../../adapters/cloud-signature.js';

/** The operations of api-spec/procurement-cloud.yaml, by operationId. */
export type CloudOperation = 'listChanges' | 'getContract' | 'requestCollectionAccountChange' | 'getCollectionAccountChange' | 'getJwks';

/**
 * A misbehaviour the fake cloud can be told to show on an operation:
 * - `status`: answers this HTTP status with an error body;
 * - `drip`: answers 200 and the right body, but `bytes` bytes every `everyMs`, so it is never silent for long;
 * - `hang`: accepts the request and never answers;
 * - `reset`: closes the connection without an answer;
 * - `garbage`: answers 200 with a body that is not JSON.
 */
export type CloudFault =
  | { kind: 'status'; status: number }
  | { kind: 'drip'; everyMs: number; bytes: number }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'garbage' };

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

const newKey = async (kid: string): Promise<SigningKey> => {
  const { privateKey, publicKey } = await generateKeyPair(CLOUD_SIGNING_ALG);
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: CLOUD_SIGNING_ALG, use: 'sig' } };
};

/**
 * A procurement cloud on loopback that speaks api-spec/procurement-cloud.yaml over real HTTP: a change feed
 * the test fills with vendor records, contracts, collection-account changes and a JWKS of keys it can rotate.
 * Faults can be switched on per operation, and every request is logged, so a test can count what the gateway
 * asked for. Its issuer is its base URL, as the spec says.
 */
export class FakeCloudServer {
  /** Vendor change records, in feed order; the cursor is the index after the last one served. */
  records: unknown[] = [];
  /** Vendor contracts by contract code. */
  contracts = new Map<string, unknown>();
  /** Every request, in order. */
  readonly requests: { operation: CloudOperation | 'unknown'; at: number }[] = [];
  private readonly faults = new Map<CloudOperation, { fault: CloudFault; times: number }>();
  private keys: SigningKey[] = [];
  private readonly accountChanges = new Map<string, Record<string, unknown>>();
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    readonly credential: string,
  ) {}

  /** Starts a cloud on an ephemeral loopback port with one signing key. */
  static async start(credential = 'fake-cloud-credential-0123456789'): Promise<FakeCloudServer> {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as AddressInfo;
    const cloud = new FakeCloudServer(server, `http://127.0.0.1:${port}`, credential);
    cloud.keys = [await newKey('cloud-key-1')];
    server.on('connection', (s) => {
      cloud.sockets.add(s);
      s.once('close', () => cloud.sockets.delete(s));
    });
    server.on('request', (req, res) => void cloud.handle(req, res));
    return cloud;
  }

  /** The cloud's issuer identifier. */
  get issuer(): string {
    return this.baseUrl;
  }

  /** The key it signs with now. */
  get signingKid(): string {
    return this.keys.at(-1)!.kid;
  }

  /** Publishes a new key beside the old ones and signs with it from now on; returns its kid. */
  async rotateKey(kid = `cloud-key-${this.keys.length + 1}`): Promise<string> {
    this.keys.push(await newKey(kid));
    return kid;
  }

  /** Shows `fault` on the next `times` requests of `operation` (every one when not given). */
  fail(operation: CloudOperation, fault: CloudFault, times = Number.POSITIVE_INFINITY): void {
    this.faults.set(operation, { fault, times });
  }

  /** Behaves again. */
  heal(operation?: CloudOperation): void {
    if (operation) this.faults.delete(operation);
    else this.faults.clear();
  }

  /** How many requests of `operation` it received. */
  count(operation: CloudOperation): number {
    return this.requests.filter((r) => r.operation === operation).length;
  }

  /** A pushed notification of these vendor records, signed with the current key (or `key`). */
  async signNotification(records: unknown[], o: { key?: { kid: string; privateKey: CryptoKey }; iat?: number } = {}): Promise<string> {
    const key = o.key ?? this.keys.at(-1)!;
    const payload = { iss: this.issuer, iat: o.iat ?? Math.floor(Date.now() / 1000), records };
    return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: CLOUD_SIGNING_ALG, kid: key.kid, typ: NOTIFICATION_TYP })
      .sign(key.privateKey);
  }

  /** A supplier identity token for `audience`, signed with the current key (or `key`). */
  async supplierToken(o: { uscc: string; name: string; audience: string; key?: { kid: string; privateKey: CryptoKey } }): Promise<string> {
    const key = o.key ?? this.keys.at(-1)!;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ uscc: o.uscc, name: o.name })
      .setProtectedHeader({ alg: CLOUD_SIGNING_ALG, kid: key.kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setSubject(o.uscc)
      .setAudience(o.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .setJti(randomUUID())
      .sign(key.privateKey);
  }

  /** Stops listening and cuts every connection, dripping and hanging ones included. */
  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private route(method: string, path: string): { operation: CloudOperation; params: string[] } | undefined {
    const m = (re: RegExp) => re.exec(path)?.slice(1).map(decodeURIComponent);
    let p: string[] | undefined;
    if (method === 'GET' && path === '/v1/changes') return { operation: 'listChanges', params: [] };
    if (method === 'GET' && path === '/.well-known/jwks.json') return { operation: 'getJwks', params: [] };
    if (method === 'POST' && (p = m(/^\/v1\/contracts\/([^/]+)\/collection-account-changes$/))) return { operation: 'requestCollectionAccountChange', params: p };
    if (method === 'GET' && (p = m(/^\/v1\/contracts\/([^/]+)$/))) return { operation: 'getContract', params: p };
    if (method === 'GET' && (p = m(/^\/v1\/collection-account-changes\/([^/]+)$/))) return { operation: 'getCollectionAccountChange', params: p };
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const route = this.route(req.method ?? 'GET', url.pathname);
    this.requests.push({ operation: route?.operation ?? 'unknown', at: Date.now() });
    let body = '';
    for await (const chunk of req) body += chunk;
    if (!route) return this.json(res, 404, { message: 'no such operation' });
    if (route.operation !== 'getJwks' && req.headers.authorization !== `Bearer ${this.credential}`) return this.json(res, 401, { message: 'bad credential' });

    const planned = this.faults.get(route.operation);
    if (planned && planned.times > 0) {
      planned.times--;
      const { fault } = planned;
      if (fault.kind === 'status') return this.json(res, fault.status, { message: 'fault' });
      if (fault.kind === 'hang') return;
      if (fault.kind === 'reset') return void req.socket.destroy();
      if (fault.kind === 'garbage') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end('{"records": [tru');
      }
      return this.drip(res, JSON.stringify(this.answer(route.operation, route.params, url, body).body), fault.everyMs, fault.bytes);
    }
    const { status, body: answer } = this.answer(route.operation, route.params, url, body);
    this.json(res, status, answer);
  }

  private answer(operation: CloudOperation, params: string[], url: URL, body: string): { status: number; body: unknown } {
    switch (operation) {
      case 'getJwks':
        return { status: 200, body: { keys: this.keys.map((k) => k.publicJwk) } };
      case 'listChanges': {
        const cursor = url.searchParams.get('cursor');
        const limit = Math.min(5000, Number(url.searchParams.get('limit') ?? 1000));
        const from = cursor === null ? 0 : Number(cursor);
        const page = this.records.slice(from, from + limit);
        const next = from + page.length;
        return { status: 200, body: { records: page, next_cursor: String(next), has_more: next < this.records.length, remaining: this.records.length - next } };
      }
      case 'getContract': {
        const c = this.contracts.get(params[0]!);
        return c ? { status: 200, body: c } : { status: 404, body: { message: 'no such contract' } };
      }
      case 'requestCollectionAccountChange': {
        const { financingRef } = JSON.parse(body) as { financingRef: string };
        const existing = [...this.accountChanges.values()].find((c) => c.contractCode === params[0] && c.financingRef === financingRef);
        if (existing) return { status: 200, body: existing };
        const change = { changeRef: `ZH-${this.accountChanges.size + 1}`, contractCode: params[0], financingRef, status: 'CONFIRMED' };
        this.accountChanges.set(change.changeRef, change);
        return { status: 201, body: change };
      }
      case 'getCollectionAccountChange': {
        const c = this.accountChanges.get(params[0]!);
        return c ? { status: 200, body: c } : { status: 404, body: { message: 'no such change' } };
      }
    }
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private drip(res: ServerResponse, text: string, everyMs: number, bytes: number): void {
    const data = Buffer.from(text);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(data.length) });
    let at = 0;
    const timer = setInterval(() => {
      if (res.destroyed || at >= data.length) {
        clearInterval(timer);
        this.timers.delete(timer);
        if (!res.destroyed) res.end();
        return;
      }
      res.write(data.subarray(at, at + bytes));
      at += bytes;
    }, everyMs);
    this.timers.add(timer);
  }
}
