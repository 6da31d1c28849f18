import type { SignInError } from './sign-in-errors.js';

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
<meta name="robots" content="noindex">
<title>${zh} · 政采贷网关</title>
</head>
<body>
<main>
<h1>${zh}</h1>
<p>${escapeHtml(err.zh)}</p>
<p lang="en">${escapeHtml(en)}: ${escapeHtml(err.en)}</p>
<p>错误代码 <span lang="en">(code)</span>: <code id="error-code">${escapeHtml(err.code)}</code></p>
<p><a href="/">返回首页 <span lang="en">(back to the start)</span></a></p>
</main>
</body>
</html>
`;
}
