import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { DomainError, ValidationError, type FieldIssue } from '../errors.js';
import { publishedSpec } from '../features/docs/published-spec.js';
import { codePoints } from './fields.js';
import { cleanText, isUtf8, queryNamesNotUtf8 } from '../text-rule.js';

// The edge of every operation, before its own schemas: the request body's media type and presence as the
// spec's `requestBody` says, and the text rule (src/text-rule.ts) on the path, the query and the body. Read
// from the published spec by operationId, so a new operation gets both without a line of its own.

/** What the spec says about one operation's request body. */
export interface BodyContract {
  /** The media types the body may have; empty when the operation takes no body. */
  mediaTypes: readonly string[];
  required: boolean;
  /** The JSON Pointers of the body's members marked `x-multiline: true`, which may hold line feeds. */
  multiline: ReadonlySet<string>;
  /** The JSON schema of the JSON body (references resolved on demand), for its strings' length bounds. */
  bodySchema?: Schema;
  /** The path and query parameters' schemas, by name. */
  parameters: { path: ReadonlyMap<string, Schema>; query: ReadonlyMap<string, Schema> };
}

/** A JSON schema node of the spec, with a resolver for the `$ref`s below it. */
interface Schema {
  node: unknown;
  deref: (node: unknown) => Record<string, unknown> | undefined;
}

const methods = ['get', 'put', 'post', 'delete', 'patch'] as const;
let contracts: Map<string, BodyContract> | undefined;

/** The body contract of every operation of `document` (an OpenAPI 3.1 document), by operationId. */
export function bodyContracts(document: Record<string, unknown>): Map<string, BodyContract> {
  const out = new Map<string, BodyContract>();
  const deref = (node: unknown): Record<string, unknown> | undefined => {
    let cur = node as Record<string, unknown> | undefined;
    for (let i = 0; i < 8 && cur && typeof cur.$ref === 'string'; i++) {
      let target: unknown = document;
      for (const part of cur.$ref.replace(/^#\//, '').split('/')) {
        target = (target as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
      }
      cur = target as Record<string, unknown> | undefined;
    }
    return cur;
  };
  for (const item of Object.values((document.paths ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const m of methods) {
      const op = item[m] as { operationId?: string; requestBody?: unknown; parameters?: unknown[] } | undefined;
      if (!op?.operationId) continue;
      const parameters = { path: new Map<string, Schema>(), query: new Map<string, Schema>() };
      for (const p of [...((item.parameters as unknown[] | undefined) ?? []), ...(op.parameters ?? [])]) {
        const param = deref(p) as { name?: string; in?: string; schema?: unknown } | undefined;
        if (param?.name && (param.in === 'path' || param.in === 'query')) parameters[param.in].set(param.name, { node: param.schema, deref });
      }
      const body = deref(op.requestBody) as { required?: boolean; content?: Record<string, { schema?: unknown }> } | undefined;
      const multiline = new Set<string>();
      for (const media of Object.values(body?.content ?? {})) {
        const props = (deref(media.schema) as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
        for (const [name, prop] of Object.entries(props)) if ((deref(prop) as Record<string, unknown> | undefined)?.['x-multiline'] === true) multiline.add(`/${name}`);
      }
      const json = body?.content?.['application/json']?.schema;
      out.set(op.operationId, {
        mediaTypes: Object.keys(body?.content ?? {}),
        required: body?.required === true,
        multiline,
        ...(json === undefined ? {} : { bodySchema: { node: json, deref } }),
        parameters,
      });
    }
  }
  return out;
}

/** The published spec's body contract of `operationId`; undefined for an operation the spec lacks. */
export function bodyContract(operationId: string): BodyContract | undefined {
  contracts ??= bodyContracts(publishedSpec().document);
  return contracts.get(operationId);
}

const INVALID_UTF8 = Symbol('zcd.invalidUtf8');

/** The body parsers' `verify`: notes a body whose bytes are not UTF-8 (the parser goes on with U+FFFD). */
export function noteInvalidUtf8(req: IncomingMessage, _res: unknown, buf: Buffer): void {
  if (!isUtf8(buf)) (req as unknown as Record<symbol, boolean>)[INVALID_UTF8] = true;
}

/** True when the request carries a body (RFC 9112: a Content-Length above 0, or a Transfer-Encoding). */
function hasBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = Number(req.headers['content-length'] ?? '0');
  return Number.isFinite(length) && length > 0;
}

/** The media type and charset of the request's Content-Type, lower-cased. */
function contentType(req: Request): { type: string; charset: string | undefined } {
  const header = req.headers['content-type'] ?? '';
  const [type = '', ...params] = header.split(';');
  let charset: string | undefined;
  for (const p of params) {
    const [k, v] = p.split('=');
    if (k?.trim().toLowerCase() === 'charset') charset = (v ?? '').trim().replace(/^"(.*)"$/, '$1').toLowerCase();
  }
  return { type: type.trim().toLowerCase(), charset };
}

function unsupported(req: Request, accepted: readonly string[], detail: string): DomainError {
  const list = accepted.join(', ');
  const header = req.method === 'PATCH' ? 'Accept-Patch' : 'Accept-Post';
  return new DomainError(415, 'unsupported_media_type', detail, { accept: [...accepted] }, { [header]: list });
}

/**
 * Refuses a body the operation does not take as sent: 415 for a media type (or charset) the spec does not
 * list, 400 `body_required` for a missing body the spec requires. Returns whether a body is present.
 */
export function checkBody(req: Request, contract: BodyContract | undefined): boolean {
  const present = hasBody(req);
  if (!contract || contract.mediaTypes.length === 0) return present;
  if (present) {
    const { type, charset } = contentType(req);
    if (!contract.mediaTypes.includes(type)) {
      throw unsupported(
        req,
        contract.mediaTypes,
        `This operation takes a body of type ${contract.mediaTypes.join(' or ')}, not ${type || 'one without a Content-Type'}.`,
      );
    }
    if (charset !== undefined && charset !== 'utf-8') throw unsupported(req, contract.mediaTypes, 'Send the body in UTF-8 (charset=utf-8).');
    return true;
  }
  if (contract.required) throw new DomainError(400, 'body_required', 'This operation needs a request body.', { errors: [{ in: 'body', pointer: '', detail: 'a request body is required' }] });
  return false;
}

/** The text rule on one part of the request: the part in NFC, or a 400 naming every string that broke it. */
function clean(value: unknown, where: FieldIssue['in'], suspect?: (s: string) => boolean, multiline?: ReadonlySet<string>): unknown {
  const result = cleanText(value, suspect, multiline);
  if (result.ok) return result.value;
  throw new ValidationError(result.issues.map((i) => ({ in: where, pointer: i.pointer, detail: i.detail })));
}

/**
 * The strings of `value` that break a `minLength`/`maxLength` of `schema`, counted in code points (the spec's
 * conventions, "Text"). Follows `properties`, `additionalProperties`, `items` and `allOf`; under `oneOf` or
 * `anyOf` a string is refused only when no branch takes it, and then as the first branch says.
 */
export function lengthIssues(schema: Schema, value: unknown, pointer = '', depth = 0): { pointer: string; detail: string }[] {
  const s = schema.deref(schema.node);
  if (!s || depth > 64) return [];
  const at = (node: unknown): Schema => ({ node, deref: schema.deref });
  const issues: { pointer: string; detail: string }[] = [];
  if (typeof value === 'string') {
    const n = codePoints(value);
    if (typeof s.maxLength === 'number' && n > s.maxLength) issues.push({ pointer, detail: `must be at most ${s.maxLength} characters (Unicode code points), not ${n}` });
    if (typeof s.minLength === 'number' && n < s.minLength) issues.push({ pointer, detail: `must be at least ${s.minLength} characters (Unicode code points), not ${n}` });
  } else if (Array.isArray(value)) {
    if (s.items !== undefined) value.forEach((item, i) => issues.push(...lengthIssues(at(s.items), item, `${pointer}/${i}`, depth + 1)));
  } else if (value !== null && typeof value === 'object') {
    const props = (s.properties ?? {}) as Record<string, unknown>;
    for (const [k, item] of Object.entries(value)) {
      const sub = Object.hasOwn(props, k) ? props[k] : typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
      if (sub !== undefined) issues.push(...lengthIssues(at(sub), item, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, depth + 1));
    }
  }
  for (const sub of (s.allOf as unknown[] | undefined) ?? []) issues.push(...lengthIssues(at(sub), value, pointer, depth + 1));
  for (const key of ['oneOf', 'anyOf'] as const) {
    const branches = ((s[key] as unknown[] | undefined) ?? []).map((sub) => lengthIssues(at(sub), value, pointer, depth + 1));
    if (branches.length && branches.every((b) => b.length > 0)) issues.push(...branches[0]!);
  }
  return issues;
}

/** The length bounds of the operation's parameters and body on the request's cleaned parts; throws 400. */
function checkLengths(contract: BodyContract | undefined, parts: { params: unknown; query: unknown; body: unknown }, bodyPresent: boolean): void {
  if (!contract) return;
  const issues: FieldIssue[] = [];
  for (const where of ['path', 'query'] as const) {
    const values = (where === 'path' ? parts.params : parts.query) as Record<string, unknown> | undefined;
    for (const [name, schema] of contract.parameters[where]) {
      const v = values?.[name];
      // A repeated query parameter is a list: each of its values keeps the parameter's bounds.
      for (const one of Array.isArray(v) ? v : [v]) {
        if (typeof one === 'string') for (const i of lengthIssues(schema, one)) issues.push({ in: where, pointer: `/${name}`, detail: i.detail });
      }
    }
  }
  if (bodyPresent && contract.bodySchema) for (const i of lengthIssues(contract.bodySchema, parts.body)) issues.push({ in: 'body', ...i });
  if (issues.length) throw new ValidationError(issues.slice(0, 50));
}

/**
 * The request's path, query and body after the text rule, with every string within its spec `maxLength` and
 * `minLength` in code points of the NFC text; throws 400 when a string breaks either.
 */
export function cleanRequest(req: Request, bodyPresent: boolean, contract?: BodyContract): { params: unknown; query: unknown; body: unknown } {
  const params = clean(req.params, 'path');
  const raw = req.originalUrl.indexOf('?');
  const badNames = raw < 0 ? [] : queryNamesNotUtf8(req.originalUrl.slice(raw + 1).split('#')[0]!);
  if (badNames.length) {
    throw new ValidationError(badNames.slice(0, 50).map((n) => ({ in: 'query', pointer: `/${n.replace(/~/g, '~0').replace(/\//g, '~1')}`, detail: 'must be valid UTF-8' })));
  }
  const query = clean(req.query, 'query');
  const notUtf8 = (req as unknown as Record<symbol, boolean>)[INVALID_UTF8] === true;
  const body = bodyPresent ? clean(req.body, 'body', notUtf8 ? (s) => s.includes('\uFFFD') : undefined, contract?.multiline) : undefined;
  if (notUtf8 && bodyPresent) throw new ValidationError([{ in: 'body', pointer: '', detail: 'must be valid UTF-8' }]);
  checkLengths(contract, { params, query, body }, bodyPresent);
  return { params, query, body };
}

/**
 * Before the JSON parser: a JSON body in a charset other than UTF-8 is refused as the route would refuse it
 * (415), rather than decoded in that charset and then failing as malformed JSON.
 */
export const refuseForeignCharset: RequestHandler = (req, _res, next) => {
  const { type, charset } = contentType(req);
  if (charset !== undefined && charset !== 'utf-8' && (type === 'application/json' || type.endsWith('+json')) && hasBody(req)) {
    throw unsupported(req, ['application/json'], 'Send the body in UTF-8 (charset=utf-8).');
  }
  next();
};
