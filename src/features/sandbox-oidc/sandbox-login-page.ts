import { escapeHtml, SIGN_IN_STYLESHEET_PATH } from '../sign-in/sign-in-pages.js';
import type { StaffMember, StaffRole } from '../staff/staff-store.js';
import type { SandboxSupplierEntry } from './sandbox-people.js';

const ROLE_NAMES: Record<StaffRole, string> = { admin: '管理员', reviewer: '审核员', viewer: '只读' };

/** What the login page shows for one interaction. */
export interface LoginPageInput {
  uid: string;
  /** Under which path the provider is mounted, e.g. `/sandbox/oidc`. */
  base: string;
  kind: 'supplier' | 'staff';
  suppliers: SandboxSupplierEntry[];
  staff: StaffMember[];
  /** Why the last submission was not accepted. */
  error?: string;
}

function supplierChoices(input: LoginPageInput, action: string): string {
  const items = input.suppliers
    .map(
      (s) =>
        `<li><button type="submit" name="uscc" value="${escapeHtml(s.uscc)}"><span>${escapeHtml(s.name)}</span><span class="meta">${escapeHtml(s.uscc)}</span></button></li>`,
    )
    .join('\n');
  return `<h2 id="suppliers">沙箱供应商</h2>
<p>统一社会信用代码与企业名称由沙箱采购云出具（<span lang="en">the sandbox cloud vouches for the USCC and the company name</span>）。</p>
<form method="post" action="${action}" aria-labelledby="suppliers">
<ul class="choices">
${items || '<li>沙箱中还没有合同。</li>'}
</ul>
</form>
<form class="other" method="post" action="${action}">
<label for="uscc">其他沙箱供应商的统一社会信用代码 <span lang="en">(another sandbox supplier's USCC)</span></label>
<input id="uscc" name="uscc" autocomplete="off" spellcheck="false" maxlength="18" pattern="[0-9A-Za-z]{18}" required>
<button class="primary" type="submit">以此供应商登录</button>
</form>`;
}

function staffChoices(input: LoginPageInput, action: string): string {
  const rank: Record<StaffRole, number> = { admin: 0, reviewer: 1, viewer: 2 };
  const sorted = [...input.staff].sort(
    (a, b) => a.bureau.regionCode.localeCompare(b.bureau.regionCode) || rank[a.role] - rank[b.role] || a.subject.localeCompare(b.subject),
  );
  const byBureau = new Map<string, StaffMember[]>();
  for (const m of sorted) byBureau.set(m.bureau.name, [...(byBureau.get(m.bureau.name) ?? []), m]);
  const groups = [...byBureau.entries()]
    .map(([bureau, members], i) => {
      const items = members
        .map(
          (m) =>
            `<li><button type="submit" name="subject" value="${escapeHtml(m.subject)}"><span>${escapeHtml(m.name)} · ${ROLE_NAMES[m.role]}</span><span class="meta">${escapeHtml(m.bureau.regionCode)} · ${escapeHtml(m.subject)}</span></button></li>`,
        )
        .join('\n');
      return `<h2 id="bureau-${i}">${escapeHtml(bureau)}</h2>
<form method="post" action="${action}" aria-labelledby="bureau-${i}">
<ul class="choices">
${items}
</ul>
</form>`;
    })
    .join('\n');
  return `${groups || '<p>沙箱身份提供方还没有登记的工作人员。</p>'}
<form class="other" method="post" action="${action}">
<label for="subject">其他账号标识 <span lang="en">(any other subject; the gateway's staff registry decides)</span></label>
<input id="subject" name="subject" autocomplete="off" spellcheck="false" maxlength="64" pattern="[A-Za-z0-9._@:\\-]{1,64}" required>
<button class="primary" type="submit">以此账号登录</button>
</form>`;
}

/**
 * The sandbox provider's login page: Chinese first, no passwords, a button per person, a field for anyone
 * else, and a way to cancel (the provider then answers the gateway with `access_denied`). Plain forms: it
 * works by keyboard and without script, and carries no inline script or style.
 */
export function sandboxLoginPage(input: LoginPageInput): string {
  const action = `${input.base}/interaction/${encodeURIComponent(input.uid)}`;
  const who = input.kind === 'supplier' ? '供应商（中小企业）' : '财政部门工作人员';
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<meta name="robots" content="noindex">
<title>沙箱身份提供方 · 登录</title>
<link rel="stylesheet" href="${SIGN_IN_STYLESHEET_PATH}">
</head>
<body>
<header><p>政采贷网关 · 沙箱身份提供方 <span lang="en">(sandbox identity provider)</span></p></header>
<main>
<h1>以${who}身份登录</h1>
<p class="note">这是开发和演示用的身份提供方，无需密码：选择一个身份即可登录。正式环境中供应商在政府采购云平台登录，工作人员在本地区统一身份认证登录。<span lang="en">Development only — no passwords.</span></p>
${input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : ''}
${input.kind === 'supplier' ? supplierChoices(input, `${action}/login`) : staffChoices(input, `${action}/login`)}
<form method="post" action="${action}/abort">
<button class="secondary" type="submit">取消登录 <span lang="en">(cancel)</span></button>
</form>
</main>
</body>
</html>
`;
}

/** A page of the sandbox provider saying something went wrong (its own errors, not the gateway's). */
export function sandboxErrorPage(title: string, detail: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>沙箱身份提供方 · ${escapeHtml(title)}</title>
<link rel="stylesheet" href="${SIGN_IN_STYLESHEET_PATH}">
</head>
<body>
<header><p>政采贷网关 · 沙箱身份提供方 <span lang="en">(sandbox identity provider)</span></p></header>
<main>
<h1>${escapeHtml(title)}</h1>
<p class="error">${escapeHtml(detail)}</p>
<p><a href="/">返回首页 <span lang="en">(back to the start)</span></a></p>
</main>
</body>
</html>
`;
}
