import type { ProcurementCloud } from '../../../adapters/procurement-cloud.js';
import type { CollectionAccount } from './financing-store.js';
import type { AccountLockRelay, LockStatus } from './ports.js';

/** Relays collection-account locks to the procurement cloud through its adapter. */
export class CloudLockRelay implements AccountLockRelay {
  constructor(private readonly cloud: ProcurementCloud) {}

  async request(contractNo: string, account: CollectionAccount, financingRef: string): Promise<LockStatus> {
    const change = await this.cloud.requestCollectionAccountChange(
      contractNo,
      { bankName: account.bankName, accountName: account.accountName, accountNo: account.accountNumber },
      financingRef,
    );
    return { ref: change.ref, status: change.status, ...(change.reason ? { reason: change.reason } : {}) };
  }

  async release(contractNo: string, lockRef: string, financingRef: string): Promise<void> {
    const r = await this.cloud.releaseCollectionAccount(contractNo, lockRef, financingRef);
    if (r.status !== 'released') throw new Error(`the cloud has not released the account yet (${r.status})`);
  }

  async status(ref: string): Promise<LockStatus> {
    const change = await this.cloud.getCollectionAccountChange(ref);
    // A ref the cloud no longer knows can never be confirmed.
    if (!change) return { ref, status: 'refused', reason: 'unknown_change' };
    return { ref: change.ref, status: change.status, ...(change.reason ? { reason: change.reason } : {}) };
  }
}
