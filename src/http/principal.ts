/** Scopes an access token can carry. */
export type Scope = 'institution' | 'admin';

/** A financial institution acting through its OAuth client. */
export interface InstitutionPrincipal {
  kind: 'institution';
  clientId: string;
  institutionId: string;
  scopes: readonly Scope[];
}

/** A finance bureau acting within its region's subtree. */
export interface BureauPrincipal {
  kind: 'bureau';
  clientId: string;
  bureauId: string;
  regionCode: string;
  scopes: readonly Scope[];
}

/** An SME, identified by the procurement cloud's supplier identity token. */
export interface SupplierPrincipal {
  kind: 'supplier';
  uscc: string;
  name: string;
}

/** Whoever a request acts for, once authenticated. */
export type Principal = InstitutionPrincipal | BureauPrincipal | SupplierPrincipal;

/** Verifies a supplier identity token issued by the procurement cloud. */
export interface SupplierIdentityVerifier {
  /** Resolves the supplier the token names; rejects when the token is not acceptable. */
  verify(token: string): Promise<{ uscc: string; name: string }>;
}
