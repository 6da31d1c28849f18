// The one rule for text the gateway accepts, at the HTTP edge (body, query, path) and on the command line.
// Said once in the spec's conventions ("Text"): valid UTF-8, no lone UTF-16 surrogates, no C0 or C1 control
// character (NUL included; no field documents one), and normalised to Unicode NFC before anything stores or
// compares it. A refusal names the offending value by a JSON Pointer.

/** C0 controls, DEL and C1 controls. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why one string breaks the rule, or undefined when it keeps it. */
export function textFault(s: string, lineFeeds = false): string | undefined {
  if (LONE_SURROGATE.test(s)) return 'must not contain a lone UTF-16 surrogate';
  if (CONTROL.test(lineFeeds ? s.replaceAll('\n', '') : s)) {
    return lineFeeds
      ? 'must not contain control characters other than line feeds (U+0000–U+001F, U+007F–U+009F)'
      : 'must not contain control characters (U+0000–U+001F, U+007F–U+009F)';
  }
  return undefined;
}

/** One string that broke the rule: where it is (RFC 6901) and why. */
export interface TextIssue {
  pointer: string;
  detail: string;
}

const escapeToken = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** How deep a value may nest before the walk stops looking (JSON bodies are bounded in size anyway). */
const MAX_DEPTH = 64;

/**
 * Checks every string of `value` (object keys included) and returns a copy with every string in NFC, or the
 * issues found. `suspect` marks strings that may stand for bytes that were not valid UTF-8 (a body decoded
 * with replacement characters): such a string is refused.
 */
export function cleanText(
  value: unknown,
  suspect?: (s: string) => boolean,
  multiline?: ReadonlySet<string>,
): { ok: true; value: unknown } | { ok: false; issues: TextIssue[] } {
  const issues: TextIssue[] = [];
  const check = (s: string, pointer: string): string => {
    const fault = suspect?.(s) ? 'must be valid UTF-8' : textFault(s, multiline?.has(pointer) === true);
    if (fault) {
      if (issues.length < 50) issues.push({ pointer, detail: fault });
      return s;
    }
    return s.normalize('NFC');
  };
  const walk = (v: unknown, pointer: string, depth: number): unknown => {
    if (typeof v === 'string') return check(v, pointer);
    if (v === null || typeof v !== 'object' || depth > MAX_DEPTH) return v;
    if (Array.isArray(v)) return v.map((item, i) => walk(item, `${pointer}/${i}`, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(v)) {
      const key = check(k, `${pointer}/${escapeToken(k)}`);
      // A key that only differs from another by normalisation would overwrite it: refuse rather than guess.
      if (Object.hasOwn(out, key)) {
        issues.push({ pointer: `${pointer}/${escapeToken(k)}`, detail: 'duplicates another member once normalised to NFC' });
        continue;
      }
      out[key] = walk(item, `${pointer}/${escapeToken(k)}`, depth + 1);
    }
    return out;
  };
  const cleaned = walk(value, '', 0);
  return issues.length ? { ok: false, issues } : { ok: true, value: cleaned };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** True when `bytes` are valid UTF-8. */
export function isUtf8(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The bytes a percent-encoded form component stands for (`+` is a space, as in a query string). */
export function percentBytes(component: string): Buffer {
  const bytes: number[] = [];
  const s = component.replace(/\+/g, ' ');
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '%' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

/** The query parameters (by name as decoded) whose raw percent-encoding is not valid UTF-8. */
export function queryNamesNotUtf8(rawQuery: string): string[] {
  if (rawQuery === '') return [];
  const bad: string[] = [];
  for (const pair of rawQuery.split('&')) {
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    const name = percentBytes(rawName);
    if (!isUtf8(name) || !isUtf8(percentBytes(rawValue))) bad.push(name.toString('utf8'));
  }
  return bad;
}

/**
 * Applies the rule to command-line arguments: the arguments in NFC, or what is wrong with the first that
 * breaks it. The operating system hands Node arguments already decoded, with U+FFFD for bytes that were not
 * UTF-8; the CLI takes no argument that needs U+FFFD, so one is refused as invalid UTF-8.
 */
export function cleanArgs(args: readonly string[]): { ok: true; args: string[] } | { ok: false; index: number; detail: string } {
  const out: string[] = [];
  for (const [index, arg] of args.entries()) {
    const fault = arg.includes('\uFFFD') ? 'must be valid UTF-8' : textFault(arg);
    if (fault) return { ok: false, index, detail: fault };
    out.push(arg.normalize('NFC'));
  }
  return { ok: true, args: out };
}
