import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../paths.js';
import { publishedSpec } from './published-spec.js';

/** One entry of the spec's `x-error-catalogue`. */
export interface CatalogueEntry {
  status: number;
  when: string;
  action: string;
  /** Absent: a problem+json `code`; `oauth`: the token endpoint's `error`; `sign-in-page`: the sign-in page's code. */
  answer?: 'oauth' | 'sign-in-page';
}

/** The error catalogue of the published spec, code → entry. */
export function errorCatalogue(): Record<string, CatalogueEntry> {
  return (publishedSpec().document['x-error-catalogue'] ?? {}) as Record<string, CatalogueEntry>;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** The catalogue's text is plain with `code` spans, as in the spec's Markdown. */
const inline = (s: string) => escapeHtml(s).replace(/`([^`]+)`/g, '<code>$1</code>');

function shell(title: string, current: 'guide' | 'errors', main: string): string {
  const link = (href: string, label: string, id: string) => `<a href="${href}"${id === current ? ' aria-current="page"' : ''}>${label}</a>`;
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · zcd-gateway</title>
<link rel="stylesheet" href="/docs/assets/docs.css">
</head>
<body>
<nav class="docs-nav" aria-label="文档">${link('/docs', '接口参考', 'reference')}${link('/docs/guide', '银行接入指南', 'guide')}${link('/docs/errors', '错误码目录', 'errors')}</nav>
<main class="docs-page">
${main}
</main>
</body>
</html>
`;
}

let guide: string | undefined;
/** 银行接入指南: `docs/guide/bank-integration-guide.zh-CN.html` in the documentation shell (read once). */
export function guidePage(): string {
  guide ??= shell('银行接入指南', 'guide', readFileSync(join(packageRoot, 'docs', 'guide', 'bank-integration-guide.zh-CN.html'), 'utf8'));
  return guide;
}

const answers: Record<string, string> = { oauth: '令牌端点的 OAuth <code>error</code>', 'sign-in-page': '登录页面（<code>#error-code</code>）' };

let errors: string | undefined;
/** 错误码目录: every code of the spec's `x-error-catalogue`, by status, as one table. */
export function errorCataloguePage(): string {
  errors ??= (() => {
    const rows = Object.entries(errorCatalogue())
      .sort(([a, x], [b, y]) => x.status - y.status || a.localeCompare(b))
      .map(
        ([code, e]) =>
          `<tr id="${escapeHtml(code)}"><th scope="row"><code>${escapeHtml(code)}</code>${e.answer ? `<br><small>${answers[e.answer]}</small>` : ''}</th>` +
          `<td>${e.status}</td><td>${inline(e.when)}</td><td>${inline(e.action)}</td></tr>`,
      )
      .join('\n');
    return shell(
      '错误码目录',
      'errors',
      `<h1>错误码目录</h1>
<p class="lead">网关的每个错误都是 <code>application/problem+json</code>（RFC 9457），带稳定的 <code>code</code>。下表列出全部错误码：HTTP 状态、何时出现、调用方应当怎么做。程序可读的同一份目录在 <a href="/openapi.yaml">openapi.yaml</a> 的 <code>x-error-catalogue</code> 中。</p>
<div class="table-wrap">
<table>
<caption>全部错误码（按 HTTP 状态排列）</caption>
<thead><tr><th scope="col">code</th><th scope="col">状态</th><th scope="col">何时出现（When）</th><th scope="col">怎么做（What to do）</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</div>`,
    );
  })();
  return errors;
}
