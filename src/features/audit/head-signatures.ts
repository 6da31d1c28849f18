import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JWK } from 'jose';
import type { StoredHead } from './audit-store.js';
import type { HeadSignatureCheck } from './audit-tree.js';
import { TREE_HEAD_TYP } from './audit-tree.js';

/**
 * Checks signed tree heads against a JWKS (the gateway's published keys): the JWS must verify, carry the head's
 * own size, root and time, and name the issuer. A head signed by a key no longer in the set is `retired_key`.
 */
export function jwksHeadCheck(jwks: { keys: JWK[] }, issuer: string): HeadSignatureCheck {
  const keys = createLocalJWKSet(jwks);
  const kids = new Set(jwks.keys.map((k) => k.kid));
  return async (head: StoredHead) => {
    let kid: string | undefined;
    try {
      const h = decodeProtectedHeader(head.signature);
      kid = h.kid;
      if (h.typ !== TREE_HEAD_TYP) return 'bad';
    } catch {
      return 'bad';
    }
    if (kid === undefined || !kids.has(kid)) return 'retired_key';
    try {
      const { payload } = await compactVerify(head.signature, keys, { algorithms: ['ES256'] });
      const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
      const same = claims.iss === issuer && claims.tree_size === head.treeSize && claims.root_hash === head.rootHash && claims.timestamp === head.at;
      return same ? 'ok' : 'bad';
    } catch {
      return 'bad';
    }
  };
}
