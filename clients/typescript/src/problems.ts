import type { components } from './generated/openapi.js';

/** An RFC 9457 problem the gateway answered with. */
export type Problem = components['schemas']['Problem'];

/** A non-2xx answer of the gateway: its status and problem+json body (its `code` is stable). */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem> & Record<string, unknown>,
    readonly operation?: string,
  ) {
    super(`${operation ? `${operation}: ` : ''}${status} ${String(problem.code ?? '')}${problem.detail ? ` — ${String(problem.detail)}` : problem.title ? ` — ${String(problem.title)}` : ''}${fieldErrors(problem)}`);
  }

  /** The problem's stable `code`, e.g. `consent_revoked`. */
  get code(): string | undefined {
    return typeof this.problem.code === 'string' ? this.problem.code : undefined;
  }
}

/** The first few field-level errors of a problem, as ` (/pointer: detail; …)`; empty when it has none. */
function fieldErrors(problem: Record<string, unknown>): string {
  const errors = Array.isArray(problem.errors) ? (problem.errors as unknown[]) : [];
  const named = errors
    .filter((e): e is { pointer?: unknown; detail?: unknown } => typeof e === 'object' && e !== null)
    .slice(0, 3)
    .map((e) => `${typeof e.pointer === 'string' ? `${e.pointer}: ` : ''}${String(e.detail ?? '')}`);
  if (!named.length) return '';
  return ` (${named.join('; ')}${errors.length > named.length ? '; …' : ''})`;
}

/** The answer of an openapi-fetch call: its data, or an {@link ApiError} thrown with the problem. */
export function must<T>(result: { data?: T; error?: unknown; response: Response }, operation?: string): T {
  if (result.response.ok && result.data !== undefined) return result.data;
  if (result.response.ok) return undefined as T; // 204: no body
  const problem = result.error && typeof result.error === 'object' ? (result.error as Record<string, unknown>) : { title: String(result.error ?? '') };
  throw new ApiError(result.response.status, problem, operation);
}
