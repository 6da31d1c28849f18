import type { components } from '../generated/openapi.js';

/** Scopes an access token can carry. */
export type Scope = 'institution' | 'admin';

/** What a bureau's member of staff may do, weakest first: `viewer` < `reviewer` < `admin`. */
export type Role = components['schemas']['StaffRole'];

/** A financial institution acting through its OAuth client. */
export interface InstitutionPrincipal {
  kind: 'institution';
  clientId: string;
  institutionId: string;
  scopes: readonly Scope[];
}

/** A finance bureau acting within its region's subtree: with its own token, or through a member of its staff. */
export interface BureauPrincipal {
  kind: 'bureau';
  clientId: string;
  bureauId: string;
  regionCode: string;
  scopes: readonly Scope[];
  /** The role it acts in: `admin` with the bureau's own token, the member's role in a staff session. */
  role: Role;
  /** Set when a member of the bureau's staff acts in a browser session. */
  staffId?: string;
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
