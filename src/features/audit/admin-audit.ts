/** One administrative action: who (the acting bureau's client id, null for the CLI operator), what, before and after. */
export interface AdminAuditEntry {
  /** Epoch milliseconds. */
  at: number;
  actor: string | null;
  /** The operationId (or CLI command) that acted. */
  action: string;
  /** The client id of the bureau or institution acted on, or the product reviewed. */
  target: string;
  before: unknown;
  after: unknown;
}
