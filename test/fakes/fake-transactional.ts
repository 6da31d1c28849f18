import type { Transactional } from '../../src/transactional.js';

/** Something whose state a fake transaction can put back. */
export interface Restorable<T> {
  snapshot(): T;
  restore(state: T): void;
}

/**
 * A transaction over in-memory fakes: `work` gets the fakes themselves; when it throws, every fake is put back as
 * it was, so a test sees the rollback the database would do.
 */
export function fakeTransactional<S extends object>(stores: S, restorables: Restorable<unknown>[]): Transactional<S> {
  return async (work) => {
    const saved = restorables.map((r) => r.snapshot());
    try {
      return await work(stores);
    } catch (err) {
      restorables.forEach((r, i) => r.restore(saved[i]));
      throw err;
    }
  };
}
