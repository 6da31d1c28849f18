import { exportJWK, generateKeyPair } from 'jose';
import type { Logger } from '../../logger.js';
import type { BureauService } from '../bureaus/bureaus-service.js';
import type { StaffService } from '../staff/staff-service.js';
import type { StaffRole } from '../staff/staff-store.js';

/** The demo bureaus and their staff, one per role, that a fresh sandbox starts with. */
export const SANDBOX_DEMO_BUREAUS: readonly { regionCode: string; name: string; staff: readonly { role: StaffRole; name: string }[] }[] = [
  {
    regionCode: '150000',
    name: '内蒙古自治区财政厅',
    staff: [
      { role: 'admin', name: '乌兰' },
      { role: 'reviewer', name: '张伟' },
      { role: 'viewer', name: '李娜' },
    ],
  },
  {
    regionCode: '150100',
    name: '呼和浩特市财政局',
    staff: [
      { role: 'admin', name: '巴特尔' },
      { role: 'reviewer', name: '刘洋' },
      { role: 'viewer', name: '陈静' },
    ],
  },
];

/** The sandbox subject of a demo member of staff, e.g. `czt-150000-admin`. */
export const demoSubject = (regionCode: string, role: StaffRole): string => `czt-${regionCode}-${role}`;

/**
 * On a sandbox gateway's first start: the demo bureaus (150000 and 150100) and one member of staff per role
 * each, registered at the sandbox provider — unless any bureau exists already, so that a database with real
 * bureaus is never given demo ones. The bureaus get a key whose private half is thrown away: they act
 * through their staff's sessions (or a key the operator adds, as `zcd demo` does). Returns whether it seeded.
 */
export async function seedSandboxDemoStaff(deps: {
  bureauCount: () => Promise<number>;
  bureaus: BureauService;
  staff: StaffService;
  /** The sandbox provider's issuer. */
  issuer: string;
  logger: Logger;
}): Promise<boolean> {
  if ((await deps.bureauCount()) > 0) return false;
  for (const demo of SANDBOX_DEMO_BUREAUS) {
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    await deps.bureaus.create(undefined, { regionCode: demo.regionCode, name: demo.name, jwks: { keys: [{ ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig' }] } });
    for (const member of demo.staff) {
      await deps.staff.create(undefined, { regionCode: demo.regionCode, subject: demoSubject(demo.regionCode, member.role), name: member.name, role: member.role, issuer: deps.issuer });
    }
  }
  deps.logger.info({ bureaus: SANDBOX_DEMO_BUREAUS.map((b) => b.regionCode) }, 'sandbox demo bureaus and staff created');
  return true;
}
