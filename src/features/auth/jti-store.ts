/** Single-use identifiers (client assertion and DPoP proof `jti`s). */
export interface JtiStore {
  /** Records `key` until `expiresAt` (epoch seconds); false when it was already used. */
  use(key: string, expiresAt: number): Promise<boolean>;
  /** Forgets keys that expired before `now` (epoch seconds). */
  prune(now: number): Promise<number>;
}
