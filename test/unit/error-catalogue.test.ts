import { describe, expect, it } from 'vitest';
import { emittedErrorCodes } from '../helpers/error-codes.js';
import { spec } from '../helpers/spec.js';

type Entry = { status: number; when: string; action: string; answer?: string };
const catalogue = (spec as unknown as { 'x-error-catalogue': Record<string, Entry> })['x-error-catalogue'];

describe('the error catalogue in the spec', () => {
  it('names every code the sources answer with', () => {
    const emitted = emittedErrorCodes();
    // The scan must see the codes it is meant to see, or it proves nothing.
    for (const known of ['validation_failed', 'contract_already_financed', 'invalid_dpop_proof', 'database_busy', 'route_not_found', 'staff_not_registered']) {
      expect(emitted.has(known), known).toBe(true);
    }
    const missing = [...emitted].filter(([code]) => !(code in catalogue)).map(([code, files]) => `${code} (${files.join(', ')})`);
    expect(missing, 'codes answered but not in x-error-catalogue').toEqual([]);
  });

  it('lists no code the sources no longer answer with', () => {
    const emitted = emittedErrorCodes();
    expect(Object.keys(catalogue).filter((code) => !emitted.has(code))).toEqual([]);
  });

  it('gives every code a status, when it happens and what to do', () => {
    for (const [code, e] of Object.entries(catalogue)) {
      expect(code).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(e.status, code).toBeGreaterThanOrEqual(400);
      expect(e.status, code).toBeLessThan(600);
      expect(e.when.length, code).toBeGreaterThan(10);
      expect(e.action.length, code).toBeGreaterThan(0);
      expect([undefined, 'oauth', 'sign-in-page'], code).toContain(e.answer);
    }
  });

  it('the shared error answers show codes from the catalogue, with their status', () => {
    const responses = spec.components.responses as Record<string, { content?: Record<string, { example?: { code: string; status: number } }> }>;
    for (const [name, r] of Object.entries(responses)) {
      const ex = r.content?.['application/problem+json']?.example;
      if (!ex) continue;
      expect(catalogue[ex.code], `${name}: ${ex.code}`).toBeDefined();
      expect(ex.status, name).toBe(catalogue[ex.code]!.status);
    }
  });
});
