/**
 * `@zcd-gateway/client` — a typed client for the zcd-gateway 政采贷 API, for banks and finance bureaus.
 *
 * ```ts
 * const client = createGatewayClient({ gateway: 'https://zcd.example.cn', credentials: { clientId, key } });
 * for await (const a of eachItem((page_token) => client.api.GET('/api/v1/applications', { params: { query: { page_token } } }))) …
 * ```
 */
export { createGatewayClient, type GatewayClient, type GatewayClientOptions } from './client.js';
export { AuthError, GatewayAuth, importPrivateJwk, type Credentials, type PrivateJwk } from './auth.js';
export { ApiError, must, type Problem } from './problems.js';
export { eachItem, eachPage, type Page } from './pages.js';
export {
  headerRecord,
  verifyWebhook,
  WebhookReceiver,
  WebhookVerificationError,
  type ReceivedEvent,
  type ReceivedRequest,
  type WebhookEvent,
  type WebhookEventType,
  type WebhookReceiverOptions,
} from './webhooks.js';
export type { components, operations, paths, webhooks } from './generated/openapi.js';
