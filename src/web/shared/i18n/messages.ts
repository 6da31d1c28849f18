import type { bureauMessages } from '../../console/bureau-messages.js';
import type { consoleMessages } from '../../console/console-messages.js';
import type { supervisionMessages } from '../../console/supervision-messages.js';
import type { problemMessages } from '../api/problem-text.js';
import type { portalMessages } from '../../portal/portal-messages.js';
import type { portalPageMessages } from '../../portal/portal-page-messages.js';

/**
 * Every text of the pages, Chinese first and English second: `key: [zh-CN, en]`. `{name}` is filled from the
 * caller's values; both languages use the same placeholders (a test checks). Keys are grouped by page area.
 */
export const messages = {
  // The whole app
  'app.name': ['政采贷对接网关', 'Procurement Contract Financing Gateway'],
  'app.mark': ['政采贷', '政采贷'],
  'common.loading': ['正在加载…', 'Loading…'],
  'common.retry': ['重试', 'Try again'],
  'common.none': ['—', '—'],
  'common.pageNumber': ['第 {n} 页', 'Page {n}'],
  'common.previousPage': ['上一页', 'Previous page'],
  'common.nextPage': ['下一页', 'Next page'],
  'kind.supplier': ['企业', 'Supplier'],
  'kind.staff': ['财政部门工作人员', 'Bureau staff'],
  'role.admin': ['管理员', 'Administrator'],
  'role.reviewer': ['审核员', 'Reviewer'],
  'role.viewer': ['只读', 'Read only'],

  // The shell of the portal and the console
  'shell.skipToContent': ['跳到主要内容', 'Skip to main content'],
  'shell.switchLanguage': ['English', '中文'],
  'shell.navigation': ['主导航', 'Main navigation'],
  'shell.signOut': ['退出登录', 'Sign out'],
  'shell.signOutFailed': ['退出登录失败，请重试。', 'Signing out failed; please try again.'],
  'shell.checkingSession': ['正在确认登录状态…', 'Checking whether you are signed in…'],
  'shell.sessionFailed': ['暂时无法确认登录状态，请稍后重试。', 'Could not check whether you are signed in. Please try again shortly.'],
  'shell.backToHome': ['返回首页', 'Back to the home page'],
  'shell.footer.home': ['首页', 'Home'],
  'shell.footer.docs': ['接口文档', 'API reference'],
  'shell.footer.note': ['内蒙古自治区政府采购合同融资（政采贷）', 'Government procurement contract financing, Inner Mongolia'],
  'signIn.ended': [
    '您的登录已失效（长时间未操作，或已在别处退出），请重新登录。',
    'Your session has ended (unused for too long, or signed out elsewhere). Please sign in again.',
  ],
  'signIn.supplier.title': ['请登录企业门户', 'Sign in to the SME portal'],
  'signIn.supplier.explain': [
    '使用政府采购云平台的企业账号登录后，可以查看您中标的合同、比较银行的融资产品并在线申请融资。',
    'Sign in with your supplier account at the government procurement cloud to see the contracts you won, compare banks’ financing products and apply online.',
  ],
  'signIn.supplier.action': ['通过政府采购云平台登录', 'Sign in with the procurement cloud'],
  'signIn.staff.title': ['请登录监管控制台', 'Sign in to the bureau console'],
  'signIn.staff.explain': [
    '财政部门工作人员请通过本地区统一身份认证登录，办理机构准入、产品审核和业务监管。',
    'Finance bureau staff sign in through their region’s identity provider to onboard institutions, review products and supervise the business.',
  ],
  'signIn.staff.action': ['通过统一身份认证登录', 'Sign in with your identity provider'],
  'wrongAccount.needSupplier': ['企业门户需要企业账号', 'The SME portal needs a supplier account'],
  'wrongAccount.needStaff': ['监管控制台需要财政部门工作人员账号', 'The bureau console needs a staff account'],
  'wrongAccount.explain': [
    '您当前以 {name} 的身份登录。请前往与您身份对应的页面，或退出后换一个账号登录。',
    'You are signed in as {name}. Go to the pages for your account, or sign out and sign in with another one.',
  ],
  'wrongAccount.toPortal': ['前往企业门户', 'Go to the SME portal'],
  'wrongAccount.toConsole': ['前往监管控制台', 'Go to the bureau console'],
  'notFound.title': ['页面不存在', 'Page not found'],
  'notFound.explain': ['您访问的页面不存在，可能是链接有误或页面已移动。', 'This page does not exist; the link may be wrong or out of date.'],
  'notFound.back': ['返回{area}', 'Back to the {area}'],

  // The landing page
  'landing.documentTitle': ['政采贷对接网关 · 政府采购合同融资', 'Procurement contract financing gateway'],
  'landing.title': ['政府采购合同融资（政采贷）对接网关', 'Government procurement contract financing (政采贷) gateway'],
  'landing.intro1': [
    '中小企业中标政府采购合同后，可以凭合同向银行申请融资，不必等到财政付款。本网关连接内蒙古自治区政府采购云平台与各金融机构：企业在线比较产品、申请融资并授权银行查看合同；银行通过签名接口审核、放款，回款直接进入锁定的收款账户。',
    'A small firm that wins a government procurement contract can borrow against it instead of waiting months for the treasury to pay. This gateway connects the Inner Mongolia government procurement cloud with banks: firms compare products, apply and authorise one bank to see the contract; banks review and lend over a signed interface, and the payment goes into the locked collection account.',
  ],
  'landing.intro2': [
    '自治区、盟市、旗县三级财政部门在这里为金融机构办理准入、审核融资产品、监管业务并公开统计数据。',
    'Finance bureaus at the autonomous-region, league/city and county level onboard institutions, review their products, supervise the business and publish statistics here.',
  ],
  'landing.entriesLabel': ['入口', 'Where to go'],
  'landing.portal.title': ['企业门户', 'SME portal'],
  'landing.portal.who': ['中小企业（供应商）', 'Small and medium firms (suppliers)'],
  'landing.portal.what': ['查看中标合同，比较银行产品，在线申请融资，管理数据授权。', 'See your contracts, compare banks’ products, apply online and control who reads your data.'],
  'landing.console.title': ['监管控制台', 'Bureau console'],
  'landing.console.who': ['财政部门工作人员', 'Finance bureau staff'],
  'landing.console.what': ['机构准入、产品审核、业务监管与信息发布。', 'Onboard institutions, review products, supervise and publish.'],
  'landing.docs.title': ['接口文档', 'API reference'],
  'landing.docs.who': ['金融机构与系统集成方', 'Banks and integrators'],
  'landing.docs.what': ['OpenAPI 接口规范：认证、合同数据、融资流程与事件推送。', 'The OpenAPI interface: authentication, contract data, the financing lifecycle and webhooks.'],
  'landing.stats.title': ['公开统计', 'Public statistics'],
  'landing.stats.who': ['社会公众', 'Everyone'],
  'landing.stats.what': ['各盟市每月的融资申请、批准与放款情况。', 'Applications, approvals and disbursements by league/city and month.'],
  'landing.stats.heading': ['公开统计', 'Public statistics'],
  'landing.footer.spec': ['接口规范（YAML）', 'Interface specification (YAML)'],

  // Public statistics (landing page)
  'stats.month': ['月份', 'Month'],
  'stats.applications': ['申请笔数', 'Applications'],
  'stats.approvals': ['批准笔数', 'Approvals'],
  'stats.disbursements': ['放款笔数', 'Disbursements'],
  'stats.disbursedAmount': ['放款金额', 'Amount disbursed'],
  'stats.count': ['笔数', 'Count'],
  'stats.withheld': ['未公布', 'Withheld'],
  'stats.explain': [
    '{from}至{to}，全区各盟市合计。为保护企业信息，某盟市某月少于 {min} 笔的数据不公布，也不计入合计。',
    'All leagues and cities, {from} to {to}. To protect firms, a league’s figure made of fewer than {min} events is withheld and not counted in the sums.',
  ],
  'stats.chartLabel': ['{from}至{to}每月申请、批准与放款笔数柱状图，数据见下表。', 'Bar chart of applications, approvals and disbursements per month, {from} to {to}; the table below has the figures.'],
  'stats.tableCaption': ['每月公开统计', 'Public statistics by month'],
  'stats.none': [
    '暂无可公布的统计数据。为保护企业信息，某盟市某月少于 {min} 笔的数据不予公布。',
    'No statistics to publish yet. To protect firms, a league’s monthly figure made of fewer than {min} events is withheld.',
  ],
  'stats.failed': ['公开统计暂时无法加载，请稍后再试。', 'The public statistics could not be loaded; please try again later.'],

  // The SME portal
  // The SME portal's pages beyond 我的合同 (issue 14)
  'contract.category': ['类别', 'Category'],
  'offers.sort.maxLoan': ['可贷额度从高到低', 'Most you can raise'],
  'offers.sort.rate': ['利率从低到高', 'Lowest rate'],
  'offers.sort.term': ['期限从长到短', 'Longest term'],

  // The bureau console

  // Information release (信息发布、失信通报): the landing page's latest notices and /notices
  'notices.heading': ['通知公告与失信通报', 'Notices and dishonesty records'],
  'notices.documentTitle': ['通知公告 · 政采贷对接网关', 'Notices · Procurement contract financing gateway'],
  'notices.latest': ['最新发布', 'Latest'],
  'notices.all': ['查看全部通知公告', 'All notices'],
  'notices.none': ['暂无发布的通知公告。', 'Nothing has been published yet.'],
  'notices.failed': ['通知公告暂时无法加载。', 'The notices could not be loaded.'],
  'notices.filter': ['类别', 'Kind'],
  'notices.kind.all': ['全部', 'All'],
  'notices.kind.policy': ['政策通知', 'Policy notice'],
  'notices.kind.dishonesty': ['失信行为记录', 'Dishonesty record'],
  'notices.kind.penalty': ['行政处罚', 'Administrative penalty'],
  'notices.publishedOn': ['{bureau} · {date} 发布', 'Published by {bureau} on {date}'],
  'notices.more': ['加载更多', 'Load more'],
  'notices.back': ['返回通知公告列表', 'Back to all notices'],
  'notices.notFound.title': ['未找到该通知', 'Notice not found'],
  'notices.notFound.text': ['该通知不存在、已撤回，或失信记录的公示期已结束。', 'The notice does not exist, was withdrawn, or the record’s publication period has ended.'],
  'notices.record': ['记录信息', 'Record'],
  'notices.subject': ['当事人', 'Subject'],
  'notices.uscc': ['统一社会信用代码', 'Unified social credit code'],
  'notices.finding': ['失信行为或处罚事由', 'What was found'],
  'notices.decisionNo': ['决定书文号', 'Decision number'],
  'notices.period': ['公示期', 'Period'],
  'notices.periodRange': ['{from} 至 {to}', '{from} to {to}'],
  'notices.issuer': ['发布机关', 'Issued by'],

  // The console's supervision pages (src/web/console/supervision)
  'late.supplier': ['供应商', 'Supplier'],
  'noticesAdmin.status.draft': ['草稿', 'Draft'],
  'noticesAdmin.status.published': ['已发布', 'Published'],
  'noticesAdmin.status.withdrawn': ['已撤回', 'Withdrawn'],
  // The console's institutions, audit and common texts (issue 15)

  // Amounts typed by people (money.ts parseYuanToFen)
  'money.error.empty': ['请输入金额。', 'Enter an amount.'],
  'money.error.full_width': ['请使用半角数字输入金额（例如 12345.67），不要使用全角字符。', 'Type the amount with ordinary (half-width) digits, e.g. 12345.67.'],
  'money.error.not_a_number': ['金额只能包含数字和小数点，例如 12345.67。', 'An amount has only digits and a decimal point, e.g. 12345.67.'],
  'money.error.negative': ['金额不能为负数。', 'The amount cannot be negative.'],
  'money.error.too_many_decimals': ['金额最多保留两位小数（精确到分）。', 'An amount has at most two decimals (fen).'],
  'money.error.zero': ['金额必须大于 0。', 'The amount must be more than 0.'],
  'money.error.too_large': ['金额过大。', 'The amount is too large.'],
} as const satisfies Record<string, readonly [zh: string, en: string]>;

/** A key of the message table: the shared texts, and those the portal and the console add when they load. */
export type MessageKey =
  | keyof typeof messages
  | keyof typeof portalMessages
  | keyof typeof portalPageMessages
  | keyof typeof consoleMessages
  | keyof typeof bureauMessages
  | keyof typeof supervisionMessages
  | keyof typeof problemMessages;
