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

/** An entry as it is listed: its id and the acting bureau's name. */
export interface ListedAdminAuditEntry extends AdminAuditEntry {
  id: number;
  actorName: string | null;
}

/** Which entries `listAdminAudit` reads, newest first. */
export interface AdminAuditQuery {
  /** Entries acted by the bureaus of these regions (their own token or their staff). */
  regions: string[];
  /** Also the operator's (CLI) entries, which have no actor. */
  includeOperator: boolean;
  action?: string | undefined;
  target?: string | undefined;
  beforeId?: number | undefined;
  limit: number;
}

/** Reading the administrative audit trail. */
export interface AdminAuditReader {
  list(q: AdminAuditQuery): Promise<ListedAdminAuditEntry[]>;
}
