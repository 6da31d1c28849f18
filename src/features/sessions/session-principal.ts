import type { Access } from '../../http/route.js';
import type { Principal } from '../../http/principal.js';
import { ForbiddenError } from '../../errors.js';
import type { LiveSession } from './session-service.js';

/**
 * Who a session acts as on a route: a supplier's session is that supplier (as the cloud's token would be);
 * a staff member's session is their bureau, in their role. The other kind of person is refused (403
 * `wrong_account_kind`); bank routes never reach here.
 */
export function sessionPrincipal(access: Exclude<Access, { public: true } | { scope: 'institution' }>, session: LiveSession): Principal {
  if ('party' in access && session.kind === 'supplier') return { kind: 'supplier', uscc: session.uscc, name: session.organisationName };
  if ('supplier' in access) {
    if (session.kind !== 'supplier') throw new ForbiddenError('wrong_account_kind', 'This operation is for suppliers; you are signed in as bureau staff.');
    return { kind: 'supplier', uscc: session.uscc, name: session.organisationName };
  }
  if (session.kind !== 'staff' || !session.staff) {
    throw new ForbiddenError('wrong_account_kind', 'This operation is for finance bureaus; you are signed in as a supplier.');
  }
  const { bureauId, regionCode, role } = session.staff;
  return { kind: 'bureau', clientId: bureauId, bureauId, regionCode, scopes: ['admin'], role, staffId: session.staffId };
}
