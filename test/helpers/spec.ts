import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => void;

/** The published interface, as tests read it. */
export const spec = parse(readFileSync(new URL('../../api-spec/openapi.yaml', import.meta.url), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, Record<string, unknown>>;
  webhooks?: Record<string, Record<string, Operation>>;
};

interface Operation {
  operationId: string;
  responses: Record<string, ResponseObject | { $ref: string }>;
  security?: unknown[];
}
interface ResponseObject {
  content?: Record<string, { schema?: unknown }>;
}

const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
ajv.addSchema(spec as object, 'spec');

const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Every operation in the spec: method, path template, operationId. */
export function specOperations(): { method: string; path: string; operationId: string }[] {
  const out: { method: string; path: string; operationId: string }[] = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const m of methods) {
      const op = item[m];
      if (op) out.push({ method: m, path, operationId: op.operationId });
    }
  }
  return out;
}

const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

function resolve<T>(node: T | { $ref: string }): { value: T; pointer?: string } {
  if (node && typeof node === 'object' && '$ref' in node) {
    const pointer = node.$ref;
    let cur: unknown = spec;
    for (const part of pointer.replace(/^#\//, '').split('/')) {
      cur = (cur as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    return { value: cur as T, pointer: pointer.replace(/^#/, '') };
  }
  return { value: node as T };
}

const templates = Object.keys(spec.paths).map((template) => ({ template, t: template.split('/') }));

/** The spec path template matching a concrete path, preferring literal segments. */
export function matchPath(path: string): string | undefined {
  const segs = path.split('?')[0]!.split('/');
  let best: { template: string; score: number } | undefined;
  for (const { template, t } of templates) {
    if (t.length !== segs.length) continue;
    let score = 0;
    let ok = true;
    for (let i = 0; i < t.length; i++) {
      if (/^\{.+\}$/.test(t[i]!)) continue;
      if (t[i] !== segs[i]) {
        ok = false;
        break;
      }
      score++;
    }
    if (ok && (!best || score > best.score)) best = { template, score };
  }
  return best?.template;
}

/** Why a response breaks the spec, or undefined when it conforms. */
export function specViolation(
  method: string,
  path: string,
  status: number,
  contentType: string | null,
  body: unknown,
): string | undefined {
  const template = matchPath(path);
  const op = template ? spec.paths[template]![method.toLowerCase()] : undefined;
  if (!template || !op) {
    // No operation here: only a problem document refusing the request is acceptable.
    if (status < 400 || status >= 500) return `no operation in the spec for ${method.toUpperCase()} ${path}`;
    if (!/^application\/problem\+json/.test(contentType ?? '')) return `a ${status} without problem+json`;
    const validate = ajv.getSchema('spec#/components/schemas/Problem')!;
    return validate(body) ? undefined : `problem body: ${ajv.errorsText(validate.errors)}`;
  }
  const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => k in op.responses);
  if (!key) return `${op.operationId} does not document status ${status}`;
  const { value: response, pointer: responsePointer } = resolve<ResponseObject>(op.responses[key]!);
  if (!response.content) return body === undefined || body === '' ? undefined : `${op.operationId} ${status} has no body in the spec`;
  const type = (contentType ?? '').split(';')[0]!.trim();
  const media = response.content[type];
  if (!media) return `${op.operationId} ${status}: content type ${type || '(none)'} is not one of ${Object.keys(response.content).join(', ')}`;
  if (!media.schema || !/json/.test(type)) return undefined;
  const base =
    responsePointer ?? `/paths/${escape(template)}/${method.toLowerCase()}/responses/${escape(key)}`;
  const validate = ajv.getSchema(`spec#${base}/content/${escape(type)}/schema`);
  if (!validate) return `cannot compile schema for ${op.operationId} ${status}`;
  if (validate(body)) return undefined;
  return `${op.operationId} ${status} body violates the spec: ${ajv.errorsText(validate.errors, { separator: '; ' })}`;
}

/** Why `value` does not satisfy the schema at `pointer` of the spec (e.g. `/components/schemas/Contract`), or undefined. */
export function schemaViolation(pointer: string, value: unknown): string | undefined {
  const validate = ajv.getSchema(`spec#${pointer}`);
  if (!validate) return `no schema at ${pointer}`;
  return validate(value) ? undefined : ajv.errorsText(validate.errors, { separator: '; ' });
}
