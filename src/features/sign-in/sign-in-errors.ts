/** Why a sign-in ended without a session: a stable code, the status of the page, and what to tell the person. */
export class SignInError extends Error {
  constructor(
    readonly status: 400 | 403 | 502 | 503,
    readonly code: string,
    /** What happened, in Chinese first. */
    readonly zh: string,
    readonly en: string,
    options?: { cause?: unknown },
  ) {
    super(en, options);
    this.name = 'SignInError';
  }
}

/** The sign-in failures, one constructor each, so that every page says the same thing for the same cause. */
export const signInErrors = {
  notConfigured: (kind: 'supplier' | 'staff') =>
    new SignInError(
      503,
      'sign_in_not_configured',
      kind === 'supplier' ? '本网关尚未配置供应商登录。' : '本网关尚未配置财政部门工作人员登录。',
      `Sign-in for ${kind === 'supplier' ? 'suppliers' : 'staff'} is not configured on this gateway.`,
    ),
  flowMissing: () =>
    new SignInError(400, 'sign_in_flow_missing', '登录流程已失效、已被使用，或是在另一个浏览器中开始的。请重新登录。', 'This sign-in has expired, was already used, or was started in another browser. Please sign in again.'),
  stateMismatch: () =>
    new SignInError(400, 'state_mismatch', '登录响应与本次登录不符（state 不一致）。请重新登录。', 'The answer does not belong to this sign-in (state mismatch). Please sign in again.'),
  providerRefused: (error: string) =>
    new SignInError(400, 'provider_error', `身份提供方拒绝了登录（${error}）。`, `The identity provider refused the sign-in (${error}).`),
  codeRejected: (cause?: unknown) =>
    new SignInError(400, 'code_rejected', '身份提供方不接受本次授权码（可能已被使用或已过期）。请重新登录。', 'The identity provider did not accept the authorization code (used or expired). Please sign in again.', { cause }),
  nonceMismatch: () =>
    new SignInError(400, 'nonce_mismatch', '身份令牌与本次登录不符（nonce 不一致）。请重新登录。', 'The ID token does not belong to this sign-in (nonce mismatch). Please sign in again.'),
  idTokenInvalid: (cause?: unknown) =>
    new SignInError(400, 'id_token_invalid', '身份提供方返回的身份令牌无效。', 'The ID token from the identity provider is not valid.', { cause }),
  answerMismatch: (cause?: unknown) =>
    new SignInError(400, 'invalid_provider_answer', '身份提供方的应答不符合本次登录。请重新登录。', 'The answer of the identity provider does not fit this sign-in. Please sign in again.', { cause }),
  providerUnavailable: (cause?: unknown) =>
    new SignInError(502, 'provider_unavailable', '暂时无法连接身份提供方，请稍后再试。', 'The identity provider cannot be reached just now; try again later.', { cause }),
  supplierClaimsMissing: () =>
    new SignInError(403, 'supplier_identity_missing', '身份提供方未给出有效的统一社会信用代码和企业名称，无法以供应商身份登录。', 'The identity provider did not vouch for a valid USCC and company name; you cannot sign in as a supplier.'),
  staffUnknown: () =>
    new SignInError(403, 'staff_not_registered', '您未被登记为本网关财政部门的工作人员，无权在此登录。请联系本级财政部门的管理员。', 'You are not registered as staff of a finance bureau on this gateway, so you are not authorised here. Ask the admin of your bureau.'),
} as const;
