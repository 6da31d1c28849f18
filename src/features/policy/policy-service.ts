import { epochMs, systemClock, type Clock } from '../../clock.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import type { BureauPrincipal } from '../../http/principal.js';
import type { Transactional } from '../../transactional.js';
import type { AdminActionLog } from '../financing/ports.js';
import { BusinessRuleError } from '../financing/products-service.js';
import type { RegionService } from '../regions/regions-service.js';
import { NO_RULES, type PolicyRules, type PolicyStore } from './policy-store.js';

/** A rule's name as the wire and the problems name it. */
export type RuleName = 'max_share_bp' | 'max_amount' | 'max_rate_bp' | 'fees_allowed' | 'decide_days' | 'disburse_days';

const RULES: readonly [keyof PolicyRules, RuleName][] = [
  ['maxShareBp', 'max_share_bp'],
  ['maxAmountFen', 'max_amount'],
  ['maxRateBp', 'max_rate_bp'],
  ['feesAllowed', 'fees_allowed'],
  ['decideDays', 'decide_days'],
  ['disburseDays', 'disburse_days'],
];

/** The rules in force in a region, and for each the region that set it. */
export interface EffectivePolicy {
  regionCode: string;
  rules: PolicyRules;
  inheritedFrom: Partial<Record<RuleName, string>>;
}

/** A region's policy as bureaus read it. */
export interface RegionPolicyView extends EffectivePolicy {
  own: PolicyRules;
  updatedAt: number | null;
}

/** Whether `a` is at least as tight as `b` for one rule (null: no rule, the loosest). */
function tighterOrEqual(key: keyof PolicyRules, a: PolicyRules[keyof PolicyRules], b: PolicyRules[keyof PolicyRules]): boolean {
  if (b === null) return true;
  if (a === null) return false;
  if (key === 'feesAllowed') return a === false || b === true;
  return (a as number) <= (b as number);
}

/** The tightest of each rule along a lineage (root first). */
export function combine(lineage: readonly { regionCode: string; rules: PolicyRules }[], regionCode: string): EffectivePolicy {
  const rules: PolicyRules = { ...NO_RULES };
  const inheritedFrom: Partial<Record<RuleName, string>> = {};
  for (const level of lineage) {
    for (const [key, name] of RULES) {
      const value = level.rules[key];
      if (value === null) continue;
      if (rules[key] === null || !tighterOrEqual(key, rules[key], value)) {
        (rules as unknown as Record<string, unknown>)[key] = value;
        inheritedFrom[name] = level.regionCode;
      }
    }
  }
  return { regionCode, rules, inheritedFrom };
}

/** The terms a check looks at; each only when given. */
export interface PolicyTerms {
  amountFen?: number;
  /** The contract's unpaid amount less its retention (质保金), the base of the share rule. */
  shareBaseFen?: number;
  rateBp?: number;
  feesFen?: number;
  /** A product's own limits, checked at its approval. */
  product?: { maxShareBp: number; maxAmountFen: number; rateMaxBp: number };
}

/** The 422 naming the rule a term breaks, its limit, and whose policy it is. */
export function policyViolation(rule: RuleName, limit: number | boolean, regionCode: string): BusinessRuleError {
  return new BusinessRuleError('policy_violation', `This breaks the financing policy of region ${regionCode}: ${rule} is ${String(limit)}.`, {
    rule,
    limit,
    region_code: regionCode,
  });
}

/** Checks terms against a region's policy; financing, the marketplace and products call it. */
export interface PolicyCheck {
  effective(regionCode: string): Promise<EffectivePolicy>;
  /** Throws `policy_violation` for the first rule the terms break in this region. */
  enforce(regionCode: string, terms: PolicyTerms): Promise<void>;
}

/** Bureau policy (政策参数): set per region, inherited down the tree, only ever tightened below. */
export class PolicyService implements PolicyCheck {
  private readonly clock: Clock;

  constructor(
    private readonly deps: {
      store: PolicyStore;
      transactional: Transactional<{ policies: PolicyStore; audit: AdminActionLog }>;
      regions: RegionService;
      clock?: Clock;
    },
  ) {
    this.clock = deps.clock ?? systemClock;
  }

  async effective(regionCode: string): Promise<EffectivePolicy> {
    const lineage = await this.deps.regions.lineageCodes(regionCode);
    const own = await this.deps.store.getMany(lineage);
    // lineageCodes lists the region first and the root last; the combination starts at the root.
    const levels = [...lineage].reverse().map((code) => ({ regionCode: code, rules: own.get(code)?.rules ?? NO_RULES }));
    return combine(levels, regionCode);
  }

  async enforce(regionCode: string, t: PolicyTerms): Promise<void> {
    const { rules, inheritedFrom } = await this.effective(regionCode);
    const where = (name: RuleName) => inheritedFrom[name] ?? regionCode;
    if (rules.maxAmountFen !== null) {
      const amount = t.product?.maxAmountFen ?? t.amountFen;
      if (amount !== undefined && amount > rules.maxAmountFen) throw policyViolation('max_amount', rules.maxAmountFen, where('max_amount'));
    }
    if (rules.maxShareBp !== null) {
      if (t.product && t.product.maxShareBp > rules.maxShareBp) throw policyViolation('max_share_bp', rules.maxShareBp, where('max_share_bp'));
      if (t.amountFen !== undefined && t.shareBaseFen !== undefined && t.amountFen > Math.floor((t.shareBaseFen * rules.maxShareBp) / 10_000)) {
        throw policyViolation('max_share_bp', rules.maxShareBp, where('max_share_bp'));
      }
    }
    if (rules.maxRateBp !== null) {
      const rate = t.product?.rateMaxBp ?? t.rateBp;
      if (rate !== undefined && rate > rules.maxRateBp) throw policyViolation('max_rate_bp', rules.maxRateBp, where('max_rate_bp'));
    }
    if (rules.feesAllowed === false && t.feesFen !== undefined && t.feesFen > 0) throw policyViolation('fees_allowed', false, where('fees_allowed'));
  }

  private async inSubtree(b: BureauPrincipal, regionCode: string): Promise<void> {
    if (!(await this.deps.regions.subtree(b.regionCode)).has(regionCode)) {
      throw new ForbiddenError('outside_region', 'The region is outside this bureau\'s subtree.');
    }
  }

  async get(b: BureauPrincipal, regionCode: string): Promise<RegionPolicyView> {
    await this.inSubtree(b, regionCode);
    const [effective, own] = await Promise.all([this.effective(regionCode), this.deps.store.getMany([regionCode])]);
    const mine = own.get(regionCode);
    return { ...effective, own: mine?.rules ?? NO_RULES, updatedAt: mine?.updatedAt ?? null };
  }

  /** Replaces the region's own rules; refused when one is looser than what the regions above impose. */
  async update(b: BureauPrincipal, regionCode: string, rules: PolicyRules): Promise<RegionPolicyView> {
    await this.inSubtree(b, regionCode);
    const lineage = await this.deps.regions.lineageCodes(regionCode);
    if (!lineage.length) throw new NotFoundError('region_not_found', 'No such region.');
    const parent = lineage.length > 1 ? await this.effective(lineage[1]!) : undefined;
    if (parent) {
      for (const [key, name] of RULES) {
        if (rules[key] !== null && !tighterOrEqual(key, rules[key], parent.rules[key])) {
          throw new BusinessRuleError('policy_looser_than_parent', `${name} may only tighten what ${parent.inheritedFrom[name]} sets.`, {
            rule: name,
            limit: parent.rules[key],
            region_code: parent.inheritedFrom[name] ?? lineage[1],
          });
        }
      }
    }
    const at = epochMs(this.clock);
    await this.deps.transactional(async ({ policies, audit }) => {
      const before = (await policies.getMany([regionCode])).get(regionCode)?.rules ?? NO_RULES;
      await policies.save({ regionCode, rules, updatedAt: at, updatedBy: b.clientId });
      await audit.record({ at, actor: b.clientId, action: 'updateRegionPolicy', target: regionCode, before, after: rules });
    });
    return this.get(b, regionCode);
  }
}
