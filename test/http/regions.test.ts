import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.close();
});

describe('listRegions', () => {
  it('lists the 12 盟市 under 150000: 9 cities and 3 leagues', async () => {
    const res = await gw.client.get('/api/v1/regions?parent=150000');
    expect(res.status).toBe(200);
    const names = res.body.items.map((r: { name: string }) => r.name);
    expect(res.body.items).toHaveLength(12);
    expect(names.filter((n: string) => n.endsWith('盟'))).toEqual(['兴安盟', '锡林郭勒盟', '阿拉善盟']);
    expect(names.filter((n: string) => n.endsWith('市'))).toHaveLength(9);
    expect(res.body.items.every((r: { level: string }) => r.level === 'league')).toBe(true);
    expect(res.body.next_page_token).toBeUndefined();
  });

  it('includes 满洲里市 among the counties of 呼伦贝尔市, and 二连浩特市 under 锡林郭勒盟', async () => {
    const hulunbuir = await gw.client.get('/api/v1/regions?parent=150700&level=county');
    expect(hulunbuir.body.items.map((r: { code: string }) => r.code)).toContain('150781');
    const xilingol = await gw.client.get('/api/v1/regions?parent=152500');
    expect(xilingol.body.items).toContainEqual({ code: '152501', name: '二连浩特市', level: 'county', parent_code: '152500' });
  });

  it('holds every county-level unit of Inner Mongolia (103) and no statistical zones', async () => {
    const codes: string[] = [];
    let token: string | undefined;
    do {
      const res = await gw.client.get(
        `/api/v1/regions?level=county&page_size=40${token ? `&page_token=${token}` : ''}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(40);
      codes.push(...res.body.items.map((r: { code: string }) => r.code));
      token = res.body.next_page_token;
    } while (token);
    expect(codes).toHaveLength(103);
    expect(new Set(codes).size).toBe(103);
    expect(codes).not.toContain('150172'); // 呼和浩特经济技术开发区 is not a GB/T 2260 division
  });

  it.each([
    ['parent=15ABCD', '/parent'],
    ['level=province', '/level'],
    ['page_size=0', '/page_size'],
    ['page_size=501', '/page_size'],
    ['page_size=1.5', '/page_size'],
    ['page_token=not-a-token', '/page_token'],
    ['unknown=1', ''],
    ['parent=150000&parent=150100', '/parent'],
  ])('refuses ?%s with 400 naming the field', async (qs, pointer) => {
    const res = await gw.client.get(`/api/v1/regions?${qs}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors[0]).toMatchObject({ in: 'query', pointer });
  });
});

describe('getRegion', () => {
  it('returns a county with its ancestors, nearest first', async () => {
    const res = await gw.client.get('/api/v1/regions/150102');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ code: '150102', name: '新城区', level: 'county', parent_code: '150100' });
    expect(res.body.ancestors.map((a: { code: string }) => a.code)).toEqual(['150100', '150000']);
  });

  it.each(['15ABCD', '999999', '1501', '%2e%2e', "150100' or '1'='1"])('answers 404 for %s', async (code) => {
    const res = await gw.client.get(`/api/v1/regions/${encodeURIComponent(code)}`);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('region_not_found');
  });
});
