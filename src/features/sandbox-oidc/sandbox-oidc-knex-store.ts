import type { Knex } from 'knex';
import type { Adapter, AdapterPayload } from 'oidc-provider';

/** Model names under which the provider's own keys are kept (never a model oidc-provider uses). */
const CONFIG_MODEL = 'zcd:config';

/**
 * oidc-provider's persistence (its Adapter, one per model) in the gateway's database: every instance of
 * the sandbox sees the same interactions, codes and sessions, and a restart loses none. Rows past
 * `expires_at` are treated as absent and deleted now and then.
 */
export class KnexSandboxOidcAdapter implements Adapter {
  constructor(
    private readonly db: Knex,
    private readonly model: string,
    private readonly now: () => number = Date.now,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const now = this.now();
    const row = {
      model: this.model,
      id,
      payload: JSON.stringify(payload),
      grant_id: payload.grantId ?? null,
      uid: payload.uid ?? null,
      user_code: payload.userCode ?? null,
      expires_at: expiresIn ? now + expiresIn * 1000 : null,
    };
    await this.db('sandbox_oidc').insert(row).onConflict(['model', 'id']).merge(['payload', 'grant_id', 'uid', 'user_code', 'expires_at']);
    // Each sign-in makes one interaction: a cheap moment to clear out what has expired.
    if (this.model === 'Interaction') await this.db('sandbox_oidc').where('expires_at', '<', now).delete();
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    return this.one({ id });
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.one({ uid });
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.one({ user_code: userCode });
  }

  async consume(id: string): Promise<void> {
    const found = await this.find(id);
    if (!found) return;
    await this.db('sandbox_oidc')
      .where({ model: this.model, id })
      .update({ payload: JSON.stringify({ ...found, consumed: Math.floor(this.now() / 1000) }) });
  }

  async destroy(id: string): Promise<void> {
    await this.db('sandbox_oidc').where({ model: this.model, id }).delete();
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.db('sandbox_oidc').where({ grant_id: grantId }).delete();
  }

  private async one(where: Record<string, string>): Promise<AdapterPayload | undefined> {
    const row = (await this.db('sandbox_oidc').where({ model: this.model, ...where }).first('payload', 'expires_at')) as
      | { payload: string; expires_at: string | number | null }
      | undefined;
    if (!row || (row.expires_at !== null && Number(row.expires_at) <= this.now())) return undefined;
    return JSON.parse(row.payload) as AdapterPayload;
  }
}

/** The sandbox provider's own settings (its signing key, its cookie secret) and what its pages list. */
export class KnexSandboxOidcStore {
  constructor(private readonly db: Knex) {}

  /** The value stored under `key`, made by `make` and stored on first use; the first writer wins a race. */
  async setting(key: string, make: () => Promise<string>): Promise<string> {
    const read = async () =>
      ((await this.db('sandbox_oidc').where({ model: CONFIG_MODEL, id: key }).first('payload')) as { payload: string } | undefined)?.payload;
    const existing = await read();
    if (existing !== undefined) return existing;
    await this.db('sandbox_oidc').insert({ model: CONFIG_MODEL, id: key, payload: await make(), expires_at: null }).onConflict(['model', 'id']).ignore();
    return (await read())!;
  }

  /** How many bureaus are registered. */
  async bureauCount(): Promise<number> {
    const row = (await this.db('bureaus').count({ n: '*' }).first()) as { n: string | number } | undefined;
    return Number(row?.n ?? 0);
  }
}
