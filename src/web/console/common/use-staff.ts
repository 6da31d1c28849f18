import { useSession } from '../../shared/api/session.js';

/** What the signed-in member of staff may do; the API refuses the rest anyway. */
export interface StaffAbilities {
  region: string | undefined;
  /** Onboard, change and rotate keys of institutions; manage staff. */
  admin: boolean;
  /** Change an institution's status, review products, read reports. */
  reviewer: boolean;
}

/** The abilities of the session's role: viewer < reviewer < admin. */
export function useStaff(): StaffAbilities {
  const state = useSession();
  const session = state.status === 'signed-in' ? state.session : undefined;
  const role = session?.role;
  return {
    region: session?.organisation?.region_code ?? undefined,
    admin: role === 'admin',
    reviewer: role === 'admin' || role === 'reviewer',
  };
}
