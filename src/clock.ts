// One clock for the whole gateway, and one form for times: a `Clock` gives the current `Date`; the domain and
// every table keep instants as epoch milliseconds (bigint columns); the wire shows them as ISO 8601 in UTC.
// Calendar dates (a contract's `signed_on`, a repayment's `repaid_on`) stay `YYYY-MM-DD` text.

/** Where the gateway reads the time; tests inject one they can advance. */
export type Clock = () => Date;

/** The system clock. */
export const systemClock: Clock = () => new Date();

/** Whole seconds since the epoch at `date`. */
export const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** The clock's time in epoch milliseconds, the form every stored instant takes. */
export const epochMs = (clock: Clock): number => clock().getTime();

/** An instant in epoch milliseconds as the wire shows it: ISO 8601 in UTC. */
export const isoTime = (ms: number): string => new Date(ms).toISOString();

/** An ISO 8601 instant (as the procurement cloud sends it) in epoch milliseconds. */
export const msOfIso = (iso: string): number => Date.parse(iso);

/** The UTC calendar date (`YYYY-MM-DD`) of an instant in epoch milliseconds. */
export const utcDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
