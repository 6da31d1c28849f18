import { z } from 'zod';
import type { components } from '../../generated/openapi.js';
import { afterCursor, nextPageToken, pageCursor, pageQuery } from '../../http/pagination.js';
import { bureauOf } from '../../http/principal-of.js';
import { defineRoute } from '../../http/route.js';
import { specQuery } from '../../http/spec-schema.js';
import { regionCode } from '../regions/regions-schemas.js';
import type { LatePayment, SupervisionService } from './supervision-service.js';

type S = components['schemas'];

/** Query of `listLatePayments`. */
export const listLatePaymentsQuery = specQuery<'listLatePayments'>()(
  z.strictObject({
    region: regionCode.optional(),
    late: z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true').optional(),
    ...pageQuery,
  }),
);

/** A late (or not yet late) payment on the wire. */
export const latePaymentDto = (p: LatePayment): S['LatePayment'] => ({
  contract_no: p.contractNo,
  purchaser: { name: p.purchaserName, region_code: p.purchaserRegionCode },
  supplier: { uscc: p.supplierUscc, name: p.supplierName },
  amount: p.amountFen,
  accepted_on: p.acceptedOn,
  days_since_acceptance: p.daysSinceAcceptance,
  payment_days: p.standing.paymentDays,
  due_amount: p.standing.dueFen,
  paid_amount: p.paidFen,
  overdue_amount: p.standing.overdueFen,
  overdue_since: p.standing.overdueSince,
  days_overdue: p.standing.daysOverdue,
  late: p.late,
  financed: p.financed,
});

/** The bureaus' payment-discipline operation. */
export function createSupervisionRoutes({ supervision }: { supervision: SupervisionService }) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/late-payments',
      operationId: 'listLatePayments',
      access: { scope: 'admin', role: 'viewer' },
      query: listLatePaymentsQuery,
      handler: async ({ principal, query }): Promise<S['LatePaymentPage']> => {
        const page = await supervision.latePayments(bureauOf(principal), {
          region: query.region,
          late: query.late,
          afterContractNo: pageCursor(query.page_token, afterCursor)?.after,
          limit: query.page_size,
        });
        return { items: page.items.map(latePaymentDto), ...nextPageToken(page, (p) => ({ after: p.contractNo })) };
      },
    }),
  ];
}
