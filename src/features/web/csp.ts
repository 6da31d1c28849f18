/** What the web app's build writes where each response's CSP nonce goes (Vite's `html.cspNonce`). */
export const CSP_NONCE_PLACEHOLDER = '__ZCD_CSP_NONCE__';

/**
 * The Content-Security-Policy of the web app's pages. Scripts come only from the gateway itself; styles from
 * the gateway or from `<style>` elements carrying this response's nonce (Ant Design writes its component
 * styles at run time and gives them the nonce); no `unsafe-inline`, no `unsafe-eval`, nothing from another
 * origin. Style attributes in markup stay blocked; styles set through the DOM (as React does) are not
 * inline markup and need no exception.
 */
export function webAppCsp(nonce: string): string {
  return [
    "default-src 'self'",
    "base-uri 'self'",
    "connect-src 'self'",
    "font-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "img-src 'self' data:",
    "manifest-src 'self'",
    "object-src 'none'",
    "script-src 'self'",
    "script-src-attr 'none'",
    `style-src 'self' 'nonce-${nonce}'`,
    "worker-src 'self'",
  ].join('; ');
}
