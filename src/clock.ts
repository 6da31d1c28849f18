/** Where the gateway reads the time; tests inject one they can advance. */
export type Clock = () => Date;

/** The system clock. */
export const systemClock: Clock = () => new Date();

/** Whole seconds since the epoch at `date`. */
export const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);
