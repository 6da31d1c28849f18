import { createHash } from 'node:crypto';
import { generateContract, sandboxSupplier, sandboxSupplierIndex } from '../../../adapters/sandbox/generator.js';
import type { StaffMember } from '../staff/staff-store.js';

/** What the sandbox provider says about a person in the ID token. */
export interface SandboxClaims {
  sub: string;
  name: string;
  /** Suppliers only: the company's USCC and name, as the procurement cloud vouches for them. */
  uscc?: string;
  company_name?: string;
}

/** A supplier offered on the sandbox login page. */
export interface SandboxSupplierEntry {
  accountId: string;
  uscc: string;
  name: string;
  contracts: number;
}

/** A sandbox supplier's account id at the sandbox provider (its `sub`). */
export const supplierAccountId = (uscc: string): string => `sme-${uscc}`;

/** What a staff subject typed on the login page may look like. */
export const STAFF_SUBJECT = /^[A-Za-z0-9._@:-]{1,64}$/;

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '高', '郭', '马', '乌', '包', '白'];
const GIVEN = ['伟', '敏', '静', '磊', '洋', '娜', '军', '勇', '艳', '杰', '涛', '明', '超', '霞', '平', '刚', '巴特尔', '其其格', '图雅', '阿拉坦'];

/** A plausible, stable name for the person who signs in for a sandbox supplier. */
function representative(uscc: string): string {
  const h = createHash('sha256').update(uscc).digest();
  return SURNAMES[h[0]! % SURNAMES.length]! + GIVEN[h[1]! % GIVEN.length]!;
}

/** How many of the first seeded contracts are scanned to pick the suppliers the page lists. */
const SCAN = 2_000;
/** How many suppliers the page lists (any other sandbox USCC can be typed in). */
const LISTED = 8;

/**
 * Who can sign in at the sandbox provider: the suppliers of the seeded sandbox contracts (those with the
 * most contracts are listed), and anyone with a staff subject — the registry decides, at the gateway,
 * whether such a person may act. No passwords: this is a development tool.
 */
export class SandboxPeople {
  private listed: { count: number; entries: SandboxSupplierEntry[] } | undefined;

  constructor(
    private readonly deps: {
      /** How many contracts the sandbox cloud has seeded. */
      contractCount: () => Promise<number>;
      /** The registered staff of the sandbox provider. */
      staff: () => Promise<StaffMember[]>;
    },
  ) {}

  /** The suppliers with the most seeded contracts, most first. */
  async suppliers(): Promise<SandboxSupplierEntry[]> {
    const count = Math.min(await this.deps.contractCount(), SCAN);
    if (this.listed?.count !== count) {
      const tally = new Map<string, { name: string; contracts: number }>();
      for (let i = 0; i < count; i++) {
        const { uscc, name } = generateContract(i).contract.supplier;
        const t = tally.get(uscc) ?? { name, contracts: 0 };
        t.contracts++;
        tally.set(uscc, t);
      }
      const entries = [...tally.entries()]
        .sort((a, b) => b[1].contracts - a[1].contracts || a[0].localeCompare(b[0]))
        .slice(0, LISTED)
        .map(([uscc, t]) => ({ accountId: supplierAccountId(uscc), uscc, name: t.name, contracts: t.contracts }));
      this.listed = { count, entries };
    }
    return this.listed.entries;
  }

  /** The registered staff of the sandbox provider. */
  staff(): Promise<StaffMember[]> {
    return this.deps.staff();
  }

  /** The account id a login-page choice names: a sandbox supplier's USCC or a staff subject; undefined if neither. */
  accountFor(choice: { uscc?: string; subject?: string }, kind: 'supplier' | 'staff'): string | undefined {
    if (kind === 'supplier') {
      const uscc = choice.uscc?.trim().toUpperCase();
      return uscc !== undefined && sandboxSupplierIndex(uscc) !== undefined ? supplierAccountId(uscc) : undefined;
    }
    const subject = choice.subject?.trim();
    return subject !== undefined && STAFF_SUBJECT.test(subject) && !subject.startsWith('sme-') ? subject : undefined;
  }

  /** The claims of an account; undefined for an account id the sandbox does not know. */
  async claims(accountId: string): Promise<SandboxClaims | undefined> {
    if (accountId.startsWith('sme-')) {
      const uscc = accountId.slice(4);
      const j = sandboxSupplierIndex(uscc);
      if (j === undefined) return undefined;
      return { sub: accountId, name: representative(uscc), uscc, company_name: sandboxSupplier(j).name };
    }
    if (!STAFF_SUBJECT.test(accountId)) return undefined;
    const member = (await this.deps.staff()).find((m) => m.subject === accountId);
    return { sub: accountId, name: member?.name ?? `访客 ${accountId}` };
  }
}
