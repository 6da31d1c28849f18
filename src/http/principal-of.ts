import { DomainError } from '../errors.js';
import type { BureauPrincipal, InstitutionPrincipal, Principal, SupplierPrincipal } from './principal.js';

function wrong(): DomainError {
  // The route's access rule and its handler disagree: a bug, not the caller's fault.
  return new DomainError(500, 'principal_mismatch', 'The request could not be completed.');
}

/** The institution behind a route declared `{ scope: 'institution' }`. */
export function institutionOf(p: Principal | undefined): InstitutionPrincipal {
  if (p?.kind !== 'institution') throw wrong();
  return p;
}

/** The bureau behind a route declared `{ scope: 'admin', role }`. */
export function bureauOf(p: Principal | undefined): BureauPrincipal {
  if (p?.kind !== 'bureau') throw wrong();
  return p;
}

/** The supplier behind a route declared `{ supplier: true }`. */
export function supplierOf(p: Principal | undefined): SupplierPrincipal {
  if (p?.kind !== 'supplier') throw wrong();
  return p;
}
