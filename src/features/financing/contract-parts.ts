import type { components } from '../../generated/openapi.js';
import type { ContractSource } from './ports.js';

type S = components['schemas'];

/** The acceptances of a contract → wire. */
export async function acceptanceList(contracts: ContractSource, contractNo: string): Promise<S['AcceptanceList']> {
  const rows = await contracts.acceptances(contractNo);
  return {
    items: rows.map((r) => ({ id: r.id, accepted_on: r.acceptedOn, result: r.result, ...(r.note ? { note: r.note } : {}) })),
  };
}

/** The treasury payments of a contract, with what is paid and unpaid → wire. */
export async function paymentList(contracts: ContractSource, contractNo: string): Promise<S['PaymentList'] | undefined> {
  const contract = await contracts.get(contractNo);
  if (!contract) return undefined;
  const rows = await contracts.payments(contractNo);
  return {
    items: rows.map((r) => ({ id: r.id, paid_on: r.paidOn, amount: r.amountFen })),
    paid: contract.paidFen,
    unpaid: Math.max(0, contract.amountFen - contract.paidFen),
  };
}

/** The risk flags on a contract's supplier → wire. */
export async function riskFlagList(contracts: ContractSource, contractNo: string): Promise<S['RiskFlagList']> {
  const rows = await contracts.riskFlags(contractNo);
  return {
    items: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      added_on: r.addedOn,
      lifted_on: r.liftedOn,
      ...(r.note ? { note: r.note } : {}),
    })),
  };
}
