/** Characters of a USCC (GB 32100-2015): digits and capitals without I, O, Z, S, V. */
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** Weights of positions 1–17: 3^i mod 31. */
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character for the first 17 characters of a USCC; undefined if any is not allowed. */
export function usccCheckCharacter(first17: string): string | undefined {
  if (first17.length !== 17) return undefined;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CHARSET.indexOf(first17[i]!);
    if (v < 0) return undefined;
    sum += v * WEIGHTS[i]!;
  }
  return CHARSET[(31 - (sum % 31)) % 31];
}

/** True for an 18-character USCC whose check character is right (GB 32100). */
export function isValidUscc(value: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(value)) return false;
  return usccCheckCharacter(value.slice(0, 17)) === value[17];
}

/** Completes 17 characters into a valid USCC (for seeds and tests). */
export function withUsccCheck(first17: string): string {
  const check = usccCheckCharacter(first17);
  if (check === undefined) throw new Error(`not a USCC prefix: ${first17}`);
  return first17 + check;
}
