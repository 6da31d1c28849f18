import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { spec } from '../helpers/spec.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.close();
});

const catalogue = (spec as unknown as { 'x-error-catalogue': Record<string, { status: number }> })['x-error-catalogue'];

/** Every same-site link of a page answers 200 (anchors into the page itself exist). */
async function linksWork(html: string): Promise<void> {
  for (const [, href] of html.matchAll(/href="([^"]+)"/g)) {
    if (href!.startsWith('#')) {
      expect(html, href).toContain(`id="${href!.slice(1)}"`);
    } else if (href!.startsWith('/')) {
      expect((await gw.client.get(href!)).status, href).toBe(200);
    } else {
      expect(href, 'outside links only to published specifications').toMatch(/^https:\/\//);
    }
  }
}

describe('the documentation beside the reference', () => {
  it('the reference page leads to the guide and the error catalogue', async () => {
    const page = await gw.client.get('/docs');
    expect(page.text).toContain('href="/docs/guide"');
    expect(page.text).toContain('href="/docs/errors"');
  });

  it('serves the Chinese bank integration guide at /docs/guide, from onboarding to the sandbox', async () => {
    const page = await gw.client.get('/docs/guide');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('<html lang="zh-CN">');
    expect(page.text).toMatch(/<h1[^>]*>银行接入指南<\/h1>/);
    for (const topic of ['准入', 'JWKS', 'zcd token', 'DPoP', '授权', '锁定回款账号', '放款', '还款', 'webhook-signature', 'Idempotency-Key', '错误码', '沙箱']) {
      expect(page.text, topic).toContain(topic);
    }
    // What it tells banks to call exists in the spec.
    for (const [, op] of page.text.matchAll(/<code>([a-z][A-Za-z]+)<\/code>/g)) {
      if (/^(get|list|create|start|decide|settle|report|replace|redeliver)[A-Z]/.test(op!)) expect(JSON.stringify(spec.paths), op).toContain(`"operationId":"${op}"`);
    }
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    await linksWork(page.text);
  });

  it('serves every code of the catalogue at /docs/errors with its status', async () => {
    const page = await gw.client.get('/docs/errors');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<h1>错误码目录<\/h1>/);
    const rows = [...page.text.matchAll(/<tr id="([a-z0-9_]+)"><th scope="row"><code>\1<\/code>(?:<br><small>.*?<\/small>)?<\/th><td>(\d{3})<\/td>/g)].map((m) => [m[1], Number(m[2])]);
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(Object.entries(catalogue).map(([code, e]) => [code, e.status])));
    await linksWork(page.text);
  });
});
