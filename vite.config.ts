import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { cspNonceFallback } from './scripts/csp-nonce-fallback.js';
import { formatFirstLoads, measureFirstLoads } from './scripts/web-budget.js';
import { CSP_NONCE_PLACEHOLDER } from './src/features/web/csp.js';

const outDir = fileURLToPath(new URL('./dist/web', import.meta.url));

/** Prints each area's first load of JavaScript after the build (the budget test checks the same figures). */
function firstLoadReport(): Plugin {
  return {
    name: 'zcd-first-load-report',
    apply: 'build',
    closeBundle() {
      console.log('\n' + formatFirstLoads(measureFirstLoads(outDir)));
    },
  };
}

// The web app: landing page, SME portal and bureau console, built into dist/web and served by the gateway.
export default defineConfig({
  root: fileURLToPath(new URL('./src/web', import.meta.url)),
  base: '/',
  publicDir: false,
  plugins: [react(), cspNonceFallback(), firstLoadReport()],
  html: {
    // Vite writes this into every tag it emits and a <meta property="csp-nonce">; the gateway replaces it
    // with a fresh nonce per response, and Ant Design's style tags carry the same nonce.
    cspNonce: CSP_NONCE_PLACEHOLDER,
  },
  build: {
    outDir,
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    reportCompressedSize: true,
    // The chart chunk is large by nature and loads only on pages with charts.
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      // rc-components declare no sideEffects; treated as free of them, their unused modules drop out (~14 KB gzip).
      treeshake: { moduleSideEffects: (id: string) => !/[\\/]node_modules[\\/]@rc-component[\\/]/.test(id) },
      output: {
        codeSplitting: {
          groups: [{ name: 'echarts', test: /[\\/]node_modules[\\/](echarts|zrender)[\\/]/ }],
        },
      },
    },
  },
  server: {
    // `npx vite` serves the app with hot reload; everything else goes to a gateway on :8080.
    port: 5173,
    host: '127.0.0.1',
    proxy: Object.fromEntries(
      ['/api', '/auth', '/sandbox', '/docs', '/openapi.json', '/openapi.yaml', '/oauth2', '/.well-known'].map((p) => [
        p,
        'http://127.0.0.1:8080',
      ]),
    ),
  },
});
