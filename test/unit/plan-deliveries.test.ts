import { describe, expect, it } from 'vitest';
import type { Change } from '../../adapters/procurement-cloud.js';
import type { ConsentHolder } from '../../src/features/events/events-store.js';
import { planDeliveries, type ChangeOutboxEvent, type FanOutEvent } from '../../src/features/events/plan-deliveries.js';
import { publishedEventId } from '../../src/features/events/published-events.js';

// The fan-out as a pure function: who receives each outbox event and exactly what, without a database.

const NOW = Date.parse('2026-07-01T00:00:00.000Z');
const AT = '2026-06-30T10:00:00.000Z';
const SUPPLIER = '91150100MA0C00001X';

function holder(id: string, o: Partial<ConsentHolder> = {}): ConsentHolder {
  return {
    applicationId: id,
    institutionId: 'ins_a',
    contractNo: 'HT-1',
    supplierUscc: SUPPLIER,
    status: 'disbursed',
    parts: ['contract', 'acceptances', 'payments', 'risk_flags'],
    expiresAt: NOW + 86_400_000,
    revokedAt: null,
    loanNo: 'L-1',
    disbursedFen: 3_000_000,
    repaidFen: 1_000_000,
    ...o,
  };
}

const change = (id: string, body: Record<string, unknown> & { type: Change['type'] }, contractNo: string | null = 'HT-1'): ChangeOutboxEvent => ({
  kind: 'change',
  id,
  occurredAt: Date.parse(AT),
  contractNo,
  change: { changeId: id, occurredAt: AT, ...body } as Change,
});

const payment = (id: string, amountFen: number) => change(id, { type: 'payment.made', payment: { paymentId: `P-${id}`, contractNo: 'HT-1', amountFen, paidAt: AT } });
const terminated = (id: string, contractNo = 'HT-1') => change(id, { type: 'contract.terminated', contractNo, reason: '采购人解除' }, contractNo);

const plan = (events: FanOutEvent[], holders: ConsentHolder[], o: { sendable?: string[]; unpaid?: [string, number][] } = {}) =>
  planDeliveries(events, holders, new Set(o.sendable ?? ['ins_a', 'ins_b']), new Map(o.unpaid ?? []), NOW);

const bodyOf = (d: { body: string }) => JSON.parse(d.body) as { id: string; type: string; timestamp: string; data: Record<string, unknown> };

describe('planDeliveries', () => {
  it('sends a lifecycle event to its application’s institution, with the stable published id and exact body', () => {
    const event: FanOutEvent = {
      kind: 'application',
      id: 'evt_outbox_1',
      type: 'application.submitted',
      occurredAt: Date.parse(AT),
      institutionId: 'ins_a',
      applicationId: 'app-1',
      data: { application_id: 'app-1', contract_no: 'HT-1', requested_amount: 100 },
    };
    const [d, ...rest] = plan([event], []);
    expect(rest).toEqual([]);
    const id = publishedEventId('evt_outbox_1', 'ins_a', 'app-1');
    expect(d).toEqual({
      id,
      institutionId: 'ins_a',
      eventId: 'evt_outbox_1',
      applicationId: 'app-1',
      type: 'application.submitted',
      body: JSON.stringify({ id, type: 'application.submitted', timestamp: AT, data: event.data }),
      status: 'pending',
      nextAttemptAt: NOW,
      createdAt: NOW,
    });
    // Planned again (a re-run page, a retried transaction), the same event gets the same id and body.
    expect(plan([event], [])).toEqual([d]);
  });

  it('queues the event unsent, in the feed only, for an institution without an active endpoint', () => {
    const [d] = plan([terminated('c1')], [holder('app-1')], { sendable: [] });
    expect(d).toMatchObject({ status: 'not_sent', nextAttemptAt: null, institutionId: 'ins_a' });
  });

  it('sends a contract change to each institution whose live consent covers its part, and to no one else', () => {
    const holders = [
      holder('live'),
      holder('other-bank', { institutionId: 'ins_b', parts: ['contract'] }),
      holder('no-contract-part', { parts: ['payments'] }),
      holder('revoked', { revokedAt: NOW - 1 }),
      holder('expired', { expiresAt: NOW }),
      holder('withdrawn', { status: 'withdrawn' }),
      holder('other-contract', { contractNo: 'HT-2' }),
    ];
    const out = plan([terminated('c1')], holders);
    expect(out.map((d) => d.applicationId)).toEqual(['live', 'other-bank']);
    expect(bodyOf(out[0]!)).toMatchObject({ type: 'contract.terminated', data: { application_id: 'live', contract_no: 'HT-1', reason: '采购人解除' } });
  });

  it('tells a payment only to a live financing, with the contract balance right after each payment of the batch', () => {
    const holders = [holder('financed'), holder('not-yet-locked', { institutionId: 'ins_b', status: 'approved' })];
    // 5,000,000 unpaid now, after both payments of the batch: 1,000,000 then 500,000.
    const out = plan([payment('pay1', 1_000_000), payment('pay2', 500_000)], holders, { unpaid: [['HT-1', 5_000_000]] });
    expect(out.map((d) => [d.applicationId, d.eventId])).toEqual([
      ['financed', 'pay1'],
      ['financed', 'pay2'],
    ]);
    expect(out.map((d) => bodyOf(d).data)).toEqual([
      { application_id: 'financed', contract_no: 'HT-1', payment: { id: 'P-pay1', paid_on: '2026-06-30', amount: 1_000_000 }, loan_no: 'L-1', contract_unpaid: 5_500_000, loan_outstanding: 2_000_000 },
      { application_id: 'financed', contract_no: 'HT-1', payment: { id: 'P-pay2', paid_on: '2026-06-30', amount: 500_000 }, loan_no: 'L-1', contract_unpaid: 5_000_000, loan_outstanding: 2_000_000 },
    ]);
    expect(out.every((d) => d.type === 'payment.received')).toBe(true);
  });

  it('routes risk flags by supplier, to every consent on that supplier’s contracts that covers risk flags', () => {
    const holders = [holder('a1'), holder('a2', { contractNo: 'HT-2', institutionId: 'ins_b' }), holder('a3', { contractNo: 'HT-3', parts: ['contract'] })];
    const added = change('f1', { type: 'supplier_risk_flag.added', flag: { flagId: 'F-1', uscc: SUPPLIER, kind: 'dishonest_judgment_debtor', recordedAt: AT, description: '失信' } }, null);
    const lifted = change('f2', { type: 'supplier_risk_flag.lifted', flagId: 'F-1', uscc: SUPPLIER, liftedAt: AT }, null);
    const elsewhere = change('f3', { type: 'supplier_risk_flag.lifted', flagId: 'F-9', uscc: '91150100MA0C00009X', liftedAt: AT }, null);
    const out = plan([added, lifted, elsewhere], holders);
    expect(out.map((d) => [d.eventId, d.applicationId, d.type])).toEqual([
      ['f1', 'a1', 'risk_flag.added'],
      ['f1', 'a2', 'risk_flag.added'],
      ['f2', 'a1', 'risk_flag.lifted'],
      ['f2', 'a2', 'risk_flag.lifted'],
    ]);
    expect(bodyOf(out[0]!).data).toEqual({ application_id: 'a1', contract_no: 'HT-1', risk_flag: { id: 'F-1', kind: 'dishonest_judgment_debtor', added_on: '2026-06-30', note: '失信' } });
  });

  it('plans nothing for a change nobody holds consent to', () => {
    expect(plan([terminated('c1', 'HT-9'), payment('pay1', 1)], [holder('a1', { contractNo: 'HT-2' })])).toEqual([]);
  });
});
