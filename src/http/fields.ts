import { z } from 'zod';

/** C0/C1 controls and bidirectional overrides: never legitimate in names or notes. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_TEXT = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

/** The length of `s` in Unicode code points. */
export function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * A string of at most `max` characters, counted as the spec's `maxLength` counts them: Unicode code points
 * (conventions, "Text"), so that a string the edge takes is not refused again for its UTF-16 length. Use it
 * instead of `z.string().max(n)` for anything a request carries.
 */
export const chars = (max: number) => z.string().refine((s) => codePoints(s) <= max, `must be at most ${max} characters`);

/** Free text: trimmed, bounded, no control or bidi-override characters. */
export const text = (max: number) =>
  z
    .string()
    .max(max * 4) // bound the work before trimming
    .transform((s) => s.trim())
    .pipe(
      z
        .string()
        .min(1, 'must not be empty')
        // The spec's maxLength counts code points (its conventions, "Text"), not UTF-16 units.
        .refine((s) => codePoints(s) <= max, `must be at most ${max} characters`)
        .refine((s) => !FORBIDDEN_TEXT.test(s), 'must not contain control or bidirectional-override characters'),
    );

/** Money: integer fen, never fractional, within the exact range of a double. */
export const fen = z.number().int('must be an integer number of fen').min(0).max(Number.MAX_SAFE_INTEGER);

/** A positive amount of fen. */
export const positiveFen = fen.min(1);

/** Basis points, 0–10000. */
export const basisPoints = z.number().int().min(0).max(10_000);

/** A calendar date, YYYY-MM-DD, that exists. */
export const isoDate = z.iso.date();

/** An ISO 8601 time with offset, parsed to epoch milliseconds. */
export const timestampMs = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));

/** A UUID in a path; a malformed one is simply not found, so it stays a string here. */
export const idParam = chars(64);
