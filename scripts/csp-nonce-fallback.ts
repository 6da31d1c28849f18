import type { Plugin } from 'vite';

/** The module whose `injectCSS` writes every `<style>` element that rc-components and Ant Design create. */
export const DYNAMIC_CSS_MODULE = /[\\/]node_modules[\\/]@rc-component[\\/]util[\\/]es[\\/]Dom[\\/]dynamicCSS\.js$/;

const NEEDLE = `  if (csp?.nonce) {
    styleNode.nonce = csp?.nonce;
  }`;

const REPLACEMENT = `  // zcd-gateway: callers that pass no nonce (rc-table's scrollbar measuring, the portal's scroll lock) get the
  // page's, so the page's Content-Security-Policy admits their style elements without 'unsafe-inline'.
  const nonce = csp?.nonce ?? document.querySelector('meta[property="csp-nonce"]')?.nonce;
  if (nonce) {
    styleNode.nonce = nonce;
  }`;

/**
 * Gives the page's CSP nonce to \`<style>\` elements created without one. Ant Design passes its nonce
 * (ConfigProvider \`csp\`) down, but a few calls in @rc-component/util's users pass none — rc-table measuring the
 * scrollbar on every table, the modal's scroll lock — and a strict policy blocks them. Returns the module's new
 * code; throws when the module no longer has the code this replaces (look again after an upgrade).
 */
export function addNonceFallback(code: string): string {
  if (!code.includes(NEEDLE)) {
    throw new Error('@rc-component/util Dom/dynamicCSS.js changed: the CSP nonce fallback no longer applies (scripts/csp-nonce-fallback.ts)');
  }
  return code.replace(NEEDLE, REPLACEMENT);
}

/** The Vite plugin applying {@link addNonceFallback} to @rc-component/util's dynamicCSS module. */
export function cspNonceFallback(): Plugin {
  return {
    name: 'zcd-csp-nonce-fallback',
    enforce: 'pre',
    transform(code, id) {
      if (!DYNAMIC_CSS_MODULE.test(id)) return undefined;
      return { code: addNonceFallback(code), map: null };
    },
  };
}
