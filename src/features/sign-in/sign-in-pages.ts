import type { SignInError } from './sign-in-errors.js';

/** Where the sign-in pages' stylesheet is served (the CSP allows no inline style). */
export const SIGN_IN_STYLESHEET_PATH = '/auth/assets/sign-in.css';

/** The stylesheet of the sign-in pages and the sandbox provider's: a font stack that covers Chinese everywhere. */
export const SIGN_IN_STYLESHEET = `:root{color-scheme:light;font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","WenQuanYi Micro Hei",system-ui,sans-serif;line-height:1.5;color:#1f1f1f;background:#f5f5f5}
body{margin:0}
header{background:#8c1d18;color:#fff;padding:.75rem 1rem}
header p{margin:0;font-weight:600}
header a{color:#fff}
main{max-width:44rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.5rem 0}
h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
.note{background:#fff7e6;border:1px solid #d48806;border-radius:4px;padding:.5rem .75rem}
.error{background:#fff1f0;border:1px solid #a8071a;color:#820014;border-radius:4px;padding:.5rem .75rem}
ul.choices{list-style:none;margin:0;padding:0;display:grid;gap:.5rem}
button{font:inherit;cursor:pointer;border-radius:4px}
ul.choices button{width:100%;text-align:left;background:#fff;color:#1f1f1f;border:1px solid #bfbfbf;padding:.6rem .75rem;display:flex;flex-wrap:wrap;gap:.25rem 1rem;justify-content:space-between}
ul.choices button:hover{border-color:#8c1d18}
button:focus-visible,input:focus-visible{outline:3px solid #1d39c4;outline-offset:2px}
.meta{color:#434343;font-family:ui-monospace,SFMono-Regular,Menlo,monospace}
form.other{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin-top:1rem}
form.other label{display:block;width:100%}
input{font:inherit;padding:.45rem .5rem;border:1px solid #8c8c8c;border-radius:4px;min-width:0;flex:1 1 14rem}
.primary{background:#8c1d18;color:#fff;border:1px solid #8c1d18;padding:.45rem 1rem}
.secondary{background:#fff;color:#1f1f1f;border:1px solid #8c8c8c;padding:.45rem 1rem;margin-top:1.5rem}
.code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;background:#fff;border:1px solid #d9d9d9;border-radius:4px;padding:0 .3rem}
a.back{display:inline-block;margin-top:1rem;background:#8c1d18;color:#fff;border-radius:4px;padding:.45rem 1rem;text-decoration:none}
a.back:focus-visible{outline:3px solid #1d39c4;outline-offset:2px}
`;

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const titles: Record<number, [string, string]> = {
  400: ['登录未完成', 'Sign-in not completed'],
  403: ['无权在此登录', 'Not authorised here'],
  502: ['身份提供方暂不可用', 'Identity provider unavailable'],
  503: ['登录未开放', 'Sign-in not available'],
};

/**
 * The page a person sees when a sign-in ends without a session: Chinese first, English below, the stable
 * code for support, a link back to the start. No script and no inline style (the CSP allows neither).
 */
export function signInErrorPage(err: SignInError): string {
  const [zh, en] = titles[err.status] ?? titles[400]!;
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<meta name="robots" content="noindex">
<title>${zh} · 政采贷网关</title>
<link rel="stylesheet" href="${SIGN_IN_STYLESHEET_PATH}">
</head>
<body>
<header><p>政采贷网关 · 登录 <span lang="en">(sign-in)</span></p></header>
<main>
<h1>${zh}</h1>
<p class="${err.status === 502 || err.status === 503 ? 'note' : 'error'}">${escapeHtml(err.zh)}</p>
<p lang="en">${escapeHtml(en)}: ${escapeHtml(err.en)}</p>
<p>错误代码 <span lang="en">(code)</span>: <code id="error-code" class="code">${escapeHtml(err.code)}</code></p>
<p><a class="back" href="/">返回首页 <span lang="en">(back to the start)</span></a></p>
</main>
</body>
</html>
`;
}
