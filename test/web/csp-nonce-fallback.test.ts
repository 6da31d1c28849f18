import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addNonceFallback, DYNAMIC_CSS_MODULE } from '../../scripts/csp-nonce-fallback.js';

const require = createRequire(import.meta.url);
const installed = join(dirname(require.resolve('@rc-component/util/package.json')), 'es', 'Dom', 'dynamicCSS.js');

describe('the CSP nonce fallback for @rc-component/util', () => {
  it('applies to the installed dynamicCSS module: a style without a nonce from its caller gets the page’s', () => {
    expect(DYNAMIC_CSS_MODULE.test(installed)).toBe(true);
    const patched = addNonceFallback(readFileSync(installed, 'utf8'));
    expect(patched).toContain(`csp?.nonce ?? document.querySelector('meta[property="csp-nonce"]')?.nonce`);
    expect(patched).toContain('styleNode.nonce = nonce;');
  });

  it('refuses code it does not know, so an upgrade that moves it is noticed at build time', () => {
    expect(() => addNonceFallback('export function injectCSS() {}')).toThrow(/changed: the CSP nonce fallback no longer applies/);
  });
});
