/**
 * This response's CSP nonce, which the gateway writes into the page's `<meta property="csp-nonce">`; Ant Design
 * gives it to the `<style>` elements it creates, which the page's policy admits only with it.
 */
export function cspNonce(): string | undefined {
  const meta = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]');
  // Browsers hide the attribute after parsing; the property keeps the value.
  return meta?.nonce || undefined;
}
