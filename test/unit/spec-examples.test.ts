import { describe, expect, it } from 'vitest';
import { schemaViolation, spec } from '../helpers/spec.js';

type Media = { schema?: { $ref?: string }; example?: unknown; examples?: Record<string, { value?: unknown; $ref?: string }> };
type Op = {
  operationId: string;
  requestBody?: { content?: Record<string, Media> };
  responses: Record<string, { $ref?: string; content?: Record<string, Media> }>;
};

const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const methods = ['get', 'post', 'put', 'patch', 'delete'];

function at(pointer: string): unknown {
  let cur: unknown = spec;
  for (const part of pointer.replace(/^#?\//, '').split('/')) cur = (cur as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  return cur;
}

/** Each example a media type shows, with the pointer of the schema it must satisfy. */
function examplesOf(media: Media, mediaPointer: string): { value: unknown; schema: string }[] {
  const schema = media.schema?.$ref ? media.schema.$ref.slice(1) : `${mediaPointer}/schema`;
  const out: { value: unknown; schema: string }[] = [];
  if (media.example !== undefined) out.push({ value: media.example, schema });
  for (const ex of Object.values(media.examples ?? {})) {
    const resolved = (ex.$ref ? at(ex.$ref) : ex) as { value?: unknown };
    out.push({ value: resolved.value, schema });
  }
  // Swagger UI shows the schema's own `examples` when the media type has none.
  const own = (at(schema) as { examples?: unknown[] } | undefined)?.examples;
  if (out.length === 0 && Array.isArray(own)) for (const value of own) out.push({ value, schema });
  return out;
}

/** Request bodies and 2xx answers of every operation and webhook, each with its pointer in the spec. */
function bodies(): { where: string; media: Media; pointer: string }[] {
  const out: { where: string; media: Media; pointer: string }[] = [];
  for (const section of ['paths', 'webhooks'] as const) {
    for (const [path, item] of Object.entries(spec[section] ?? {})) {
      for (const m of methods) {
        const op = (item as Record<string, Op | undefined>)[m];
        if (!op) continue;
        const base = `/${section}/${escape(path)}/${m}`;
        for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
          out.push({ where: `${op.operationId} request ${type}`, media, pointer: `${base}/requestBody/content/${escape(type)}` });
        }
        for (const [status, response] of Object.entries(op.responses)) {
          if (!status.startsWith('2') || response.$ref) continue;
          for (const [type, media] of Object.entries(response.content ?? {})) {
            out.push({ where: `${op.operationId} ${status} ${type}`, media, pointer: `${base}/responses/${status}/content/${escape(type)}` });
          }
        }
      }
    }
  }
  return out;
}

describe('the spec shows an example of every request and answer', () => {
  const all = bodies();

  it('covers every operation and webhook', () => {
    expect(all.length).toBeGreaterThan(140);
    // A binary download (the XLSX report) is shown by its CSV sibling.
    const binary = (b: { media: Media }) => typeof (b.media.schema as { contentMediaType?: unknown } | undefined)?.contentMediaType === 'string';
    const missing = all.filter((b) => !binary(b) && examplesOf(b.media, b.pointer).length === 0).map((b) => b.where);
    expect(missing, `no example for: ${missing.join(', ')}`).toEqual([]);
  });

  it('every example satisfies its own schema', () => {
    const wrong: string[] = [];
    for (const b of all) {
      for (const ex of examplesOf(b.media, b.pointer)) {
        const why = schemaViolation(ex.schema, ex.value);
        if (why) wrong.push(`${b.where}: ${why}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('every shared error answer shows a problem', () => {
    const responses = spec.components.responses as Record<string, { content?: Record<string, Media> }>;
    const wrong: string[] = [];
    for (const [name, response] of Object.entries(responses)) {
      const media = response.content?.['application/problem+json'];
      if (!media) continue;
      const shown = examplesOf(media, `/components/responses/${name}/content/application~1problem+json`);
      if (shown.length === 0) wrong.push(`${name}: no example`);
      for (const ex of shown) {
        const why = schemaViolation('/components/schemas/Problem', ex.value);
        if (why) wrong.push(`${name}: ${why}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
