import { describe, expect, it } from 'vitest';
import { specViolation } from '../helpers/spec.js';

// The response check every HTTP test relies on must itself be able to fail.
describe('the spec check', () => {
  const json = 'application/json; charset=utf-8';
  it('accepts a conforming body', () => {
    const body = { code: '150100', name: '呼和浩特市', level: 'league', parent_code: '150000', ancestors: [] };
    expect(specViolation('GET', '/api/v1/regions/150100', 200, json, body)).toBeUndefined();
  });
  it('rejects a wrong type, a missing field, a bad enum, an undocumented status and a wrong media type', () => {
    const ok = { code: '150100', name: 'x', level: 'league', parent_code: '150000', ancestors: [] };
    expect(specViolation('GET', '/api/v1/regions/150100', 200, json, { ...ok, code: 150100 })).toMatch(/violates/);
    expect(specViolation('GET', '/api/v1/regions/150100', 200, json, { ...ok, ancestors: undefined })).toMatch(/violates/);
    expect(specViolation('GET', '/api/v1/regions/150100', 200, json, { ...ok, level: 'province' })).toMatch(/violates/);
    expect(specViolation('GET', '/api/v1/regions/150100', 201, json, ok)).toMatch(/does not document/);
    expect(specViolation('GET', '/api/v1/regions/150100', 200, 'text/html', ok)).toMatch(/content type/);
    expect(specViolation('GET', '/api/v1/regions/150100', 404, 'application/problem+json', { title: 'x' })).toMatch(/violates/);
  });
});
