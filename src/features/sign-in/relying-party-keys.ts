import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { systemClock, type Clock } from '../../clock.js';

/** The algorithm of the gateway's relying-party key (its `private_key_jwt` client assertions). */
export const RELYING_PARTY_ALG = 'ES256';

/** A stored relying-party key pair. */
export interface StoredRelyingPartyKey {
  kid: string;
  alg: string;
  privateJwk: JWK;
  publicJwk: JWK;
  /** Epoch milliseconds. */
  createdAt: number;
}

/** Persistence of the relying-party keys. */
export interface RelyingPartyKeyStore {
  all(): Promise<StoredRelyingPartyKey[]>;
  insert(key: StoredRelyingPartyKey): Promise<void>;
}

/**
 * The key the gateway signs its client assertions with when it signs people in at an identity provider
 * (`private_key_jwt`), kept apart from the key that signs access tokens. Made on first use and published at
 * `/auth/jwks.json`, which the providers are given as the gateway's `jwks_uri`.
 */
export class RelyingPartyKeys {
  private loaded: Promise<{ signing: { kid: string; key: CryptoKey } }> | undefined;

  constructor(
    private readonly store: RelyingPartyKeyStore,
    private readonly clock: Clock = systemClock,
  ) {}

  /** The private key that signs client assertions, with its `kid`. */
  async signingKey(): Promise<{ kid: string; key: CryptoKey }> {
    return (await this.load()).signing;
  }

  /** The published public keys, read afresh: another instance may have made one since this one started. */
  async jwks(): Promise<{ keys: JWK[] }> {
    await this.load();
    return { keys: (await this.store.all()).map((k) => k.publicJwk) };
  }

  private load() {
    this.loaded ??= this.read().catch((err: unknown) => {
      this.loaded = undefined;
      throw err;
    });
    return this.loaded;
  }

  private async read() {
    let keys = await this.store.all();
    if (!keys.length) {
      const { privateKey, publicKey } = await generateKeyPair(RELYING_PARTY_ALG, { extractable: true });
      const kid = randomUUID();
      await this.store.insert({
        kid,
        alg: RELYING_PARTY_ALG,
        privateJwk: { ...(await exportJWK(privateKey)), kid, alg: RELYING_PARTY_ALG },
        publicJwk: { ...(await exportJWK(publicKey)), kid, alg: RELYING_PARTY_ALG, use: 'sig' },
        createdAt: this.clock().getTime(),
      });
      keys = await this.store.all();
    }
    // Two instances starting at once may each make a key: both are published, the newest signs.
    const newest = [...keys].sort((a, b) => b.createdAt - a.createdAt || b.kid.localeCompare(a.kid))[0]!;
    return {
      signing: { kid: newest.kid, key: (await importJWK(newest.privateJwk, newest.alg)) as CryptoKey },
    };
  }
}
