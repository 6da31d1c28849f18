import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importJWK, type CryptoKey } from 'jose';
import * as client from 'openid-client';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { onboard, seedBureau, type TestParty } from '../helpers/auth.js';

let gw: TestGateway;
let bank: TestParty;
beforeAll(async () => {
  gw = await startTestGateway();
  const bureau = await seedBureau(gw, '150000');
  bank = await onboard(gw, bureau, { regions: ['150100'] });
});
afterAll(async () => {
  await gw?.close();
});

describe('a bank written with the stock openid-client library', () => {
  it('gets a DPoP-bound token from the issuer URL, client id and private key alone, and reads itself', async () => {
    // Only what the bank is given: the issuer, its client id and its private key.
    const privateKey = (await importJWK(bank.key.privateJwk, 'ES256')) as CryptoKey;
    const config = await client.discovery(
      new URL(gw.issuer),
      bank.clientId,
      { token_endpoint_auth_method: 'private_key_jwt' },
      client.PrivateKeyJwt({ key: privateKey, kid: bank.key.kid }),
      { algorithm: 'oauth2', execute: [client.allowInsecureRequests] },
    );
    const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
    const tokens = await client.clientCredentialsGrant(config, { scope: 'institution' }, { DPoP: dpop });
    expect(tokens.token_type.toLowerCase()).toBe('dpop');
    expect(tokens.expires_in).toBe(600);

    const res = await client.fetchProtectedResource(config, tokens.access_token, new URL(`${gw.issuer}/api/v1/institution`), 'GET', undefined, undefined, { DPoP: dpop });
    expect(res.status).toBe(200);
    const me = (await res.json()) as { client_id: string; status: string };
    expect(me).toMatchObject({ client_id: bank.clientId, status: 'active' });
  });
});
