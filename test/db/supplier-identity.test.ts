import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { SandboxCloud, SANDBOX_ISSUER } from '../../adapters/sandbox/sandbox-cloud.js';
import { sandboxSupplier } from '../../adapters/sandbox/generator.js';
import { createSupplierIdentityVerifier } from '../../src/app.js';
import { SupplierIdentityError } from '../../src/features/supplier-identity/cloud-supplier-identity-verifier.js';
import type { Knex } from '../../src/db/knex.js';
import { migratedDatabase, testDatabaseKind } from '../helpers/db.js';

const GATEWAY = 'http://gateway.test';
let db: Knex;
let dispose: () => Promise<void>;
let sandbox: SandboxCloud;
beforeAll(async () => {
  ({ db, dispose } = await migratedDatabase());
  sandbox = new SandboxCloud(db);
});
afterAll(async () => {
  await dispose?.();
});

const supplier = sandboxSupplier(7);

async function rejected(token: string): Promise<string> {
  const verifier = createSupplierIdentityVerifier(sandbox, GATEWAY);
  const err = await verifier.verify(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SupplierIdentityError);
  expect((err as SupplierIdentityError).status).toBe(401);
  expect((err as SupplierIdentityError).code).toBe('invalid_supplier_token');
  return (err as SupplierIdentityError).reason;
}

describe(`supplier identity tokens from the sandbox cloud on ${testDatabaseKind}`, () => {
  it('verifies a token the sandbox issued, naming the supplier', async () => {
    const token = await sandbox.issueSupplierToken({ uscc: supplier.uscc, audience: GATEWAY });
    expect(await createSupplierIdentityVerifier(sandbox, GATEWAY).verify(token)).toEqual({ uscc: supplier.uscc, name: supplier.name });
    // Another process on the same database signs with the same persisted key.
    const again = await new SandboxCloud(db).issueSupplierToken({ uscc: supplier.uscc, audience: GATEWAY });
    expect((await createSupplierIdentityVerifier(sandbox, GATEWAY).verify(again)).uscc).toBe(supplier.uscc);
  });

  it('rejects a token signed by another key', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const kid = (await sandbox.keys()).jwks.keys[0]!.kid!;
    const token = await new SignJWT({ uscc: supplier.uscc, name: supplier.name })
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuer(SANDBOX_ISSUER)
      .setAudience(GATEWAY)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(privateKey);
    expect(await rejected(token)).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('rejects an expired token, beyond the small clock tolerance', async () => {
    const now = Date.now();
    const old = new SandboxCloud(db, { now: () => now - 3600_000 });
    const token = await old.issueSupplierToken({ uscc: supplier.uscc, audience: GATEWAY, ttlSeconds: 3600 - 60 });
    expect(await rejected(token)).toBe('ERR_JWT_EXPIRED');
  });

  it('rejects a token for another audience', async () => {
    const token = await sandbox.issueSupplierToken({ uscc: supplier.uscc, audience: 'https://other-gateway.example' });
    expect(await rejected(token)).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
  });

  it('rejects alg none, and a token without a valid USCC', async () => {
    const none = new UnsecuredJWT({ uscc: supplier.uscc, name: supplier.name }).setIssuer(SANDBOX_ISSUER).setAudience(GATEWAY).setIssuedAt().setExpirationTime('10m').encode();
    expect(await rejected(none)).toMatch(/^ERR_/);
    const token = await sandbox.issueSupplierToken({ uscc: '91150100MA0N0AAA0C', name: '某公司', audience: GATEWAY });
    expect(await rejected(token)).toBe('uscc_invalid');
  });
});
