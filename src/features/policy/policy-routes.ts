import { isoTime } from '../../clock.js';
import type { components } from '../../generated/openapi.js';
import { bureauOf } from '../../http/principal-of.js';
import { defineRoute } from '../../http/route.js';
import type { PolicyRules } from './policy-store.js';
import type { PolicyService, RegionPolicyView } from './policy-service.js';
import { policyParams, policyRulesInput } from './policy-schemas.js';

type S = components['schemas'];

const rulesDto = (r: PolicyRules): S['PolicyRules'] => ({
  max_share_bp: r.maxShareBp,
  max_amount: r.maxAmountFen,
  max_rate_bp: r.maxRateBp,
  fees_allowed: r.feesAllowed,
  decide_days: r.decideDays,
  disburse_days: r.disburseDays,
});

/** A region's policy → wire. */
export const regionPolicyDto = (p: RegionPolicyView): S['RegionPolicy'] => ({
  region_code: p.regionCode,
  own: rulesDto(p.own),
  effective: rulesDto(p.rules),
  inherited_from: p.inheritedFrom,
  ...(p.updatedAt !== null ? { updated_at: isoTime(p.updatedAt) } : {}),
});

/** The bureaus' policy operations. */
export function createPolicyRoutes({ policy }: { policy: PolicyService }) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/regions/{code}/policy',
      operationId: 'getRegionPolicy',
      access: { scope: 'admin', role: 'viewer' },
      params: policyParams,
      handler: async ({ params, principal }) => regionPolicyDto(await policy.get(bureauOf(principal), params.code)),
    }),
    defineRoute({
      method: 'put',
      path: '/api/v1/admin/regions/{code}/policy',
      operationId: 'updateRegionPolicy',
      access: { scope: 'admin', role: 'admin' },
      params: policyParams,
      body: policyRulesInput,
      handler: async ({ params, body, principal }) =>
        regionPolicyDto(
          await policy.update(bureauOf(principal), params.code, {
            maxShareBp: body.max_share_bp,
            maxAmountFen: body.max_amount,
            maxRateBp: body.max_rate_bp,
            feesAllowed: body.fees_allowed,
            decideDays: body.decide_days,
            disburseDays: body.disburse_days,
          }),
        ),
    }),
  ];
}
