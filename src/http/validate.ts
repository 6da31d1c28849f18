import type { z } from 'zod';
import { ValidationError, type FieldIssue } from '../errors.js';

function pointer(path: readonly PropertyKey[]): string {
  return path.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** Parses one part of a request; a failure names every offending field. */
export function parsePart<T extends z.ZodType>(schema: T, value: unknown, where: FieldIssue['in']): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.slice(0, 50).map((i) => ({ in: where, pointer: pointer(i.path), detail: i.message })),
  );
}
