import { addMessages } from '../i18n/translate.js';
import type { MessageKey } from '../i18n/messages.js';

/**
 * What the pages say for the refusals a person can meet in them, by the problem's `code`. The API's `detail` is
 * English for integrators; a person reads one of these instead, and the detail only for a code not listed here.
 * Loaded by the pages that write, so that no area's first load carries it.
 */
export const problemMessages = {
  'problem.duplicate_application': ['这份合同已有一笔用同一产品提交、尚未审结的申请，请到“我的申请”查看。', 'An application for this contract with this product is still open: see My applications.'],
  'problem.contract_already_financed': ['这份合同已由另一笔融资占用，暂不能再申请。', 'Another financing already holds this contract.'],
  'problem.contract_not_financeable': ['这份合同目前不能融资（已终止、已付清或有风险提示）。', 'This contract cannot be financed now (ended, paid or flagged).'],
  'problem.credit_line_not_live': ['这笔授信额度已撤销或过期。', 'The credit line is revoked or expired.'],
  'problem.intent_exists': ['这份合同已有一个公开中的融资意向，请先撤回它。', 'This contract already has an open intent; withdraw it first.'],
  'problem.intent_not_open': ['这个融资意向已不再公开（已撤回、已接受或已过期）。', 'The intent is no longer open.'],
  'problem.quote_not_live': ['这份报价已失效（已撤回、已过期或已处理）。', 'The quote is no longer live.'],
  'problem.quote_revised': ['银行刚刚修改了这份报价，请看过新的报价后再接受。', 'The bank has just revised the quote; read it again before accepting.'],
  'problem.invalid_state': ['这笔申请当前的状态不允许这个操作，请刷新后再看。', 'The application’s state does not allow this now; reload and look again.'],
  'problem.amount_exceeds_limit': ['金额超过了可申请的上限。', 'The amount is above what may be asked for.'],
  'problem.rate_limited': ['操作太频繁，请稍候再试。', 'Too many requests; wait a moment and try again.'],
  'problem.csrf_failed': ['页面已过期，请刷新后再试。', 'The page has expired; reload and try again.'],
  'problem.unauthenticated': ['登录已失效，请重新登录。', 'Your session has ended; sign in again.'],
  'problem.forbidden': ['您没有执行这个操作的权限。', 'You may not do this.'],
  'problem.staff_exists': ['这个身份已经是工作人员。', 'This identity is already a member of staff.'],
  'problem.cannot_change_own_role': ['不能修改自己的角色，请由另一位管理员操作。', 'You cannot change your own role; ask another administrator.'],
  'problem.cannot_remove_self': ['不能移除自己，请由另一位管理员操作。', 'You cannot remove yourself; ask another administrator.'],
  'problem.validation_failed': ['提交的内容有误，请检查后再试。', 'Something in the form is not valid; check it and try again.'],
} as const satisfies Record<string, readonly [zh: string, en: string]>;

addMessages(problemMessages);

/** The problem's text for a person: the page's own for a listed code, else the API's detail or title. */
export function problemText(error: unknown, t: (key: MessageKey) => string): string {
  if (error && typeof error === 'object') {
    const e = error as { code?: unknown; detail?: unknown; title?: unknown };
    const key = `problem.${String(e.code)}`;
    if (key in problemMessages) return t(key as MessageKey);
    if (typeof e.detail === 'string') return e.detail;
    if (typeof e.title === 'string') return e.title;
  }
  return String(error);
}
