import type { Knex } from 'knex';
import { isPostgres } from '../../db/knex.js';
import { columnsOf, PreparedStatements } from '../../db/prepared.js';
import type {
  AccessLogEntry,
  AccessOwner,
  AccessRecord,
  AdminAuditRow,
  AuditSource,
  AuditStore,
  SequencerSession,
  StoredHead,
  WalkedLeaf,
} from './audit-store.js';

interface AccessRow {
  id: number | string;
  at: number | string;
  institution_id: string;
  application_id: string;
  contract_no: string;
  supplier_uscc: string;
  purchaser_region_code: string;
  part: AccessLogEntry['part'];
  consent_expires_at: number | string;
  hash: string | null;
  leaf_index: number | string | null;
  leaf_hash?: string | null;
}

interface AdminRow {
  id: number | string;
  at: number | string;
  actor: string | null;
  action: string;
  target: string;
  before: string | null;
  after: string | null;
}

interface HeadRow {
  tree_size: number | string;
  root_hash: string;
  at: number | string;
  signature: string;
}

const toAccess = (r: AccessRow): AccessLogEntry => ({
  id: Number(r.id),
  at: Number(r.at),
  institutionId: r.institution_id,
  applicationId: r.application_id,
  contractNo: r.contract_no,
  supplierUscc: r.supplier_uscc,
  purchaserRegionCode: r.purchaser_region_code,
  part: r.part,
  consentExpiresAt: Number(r.consent_expires_at),
  chainHash: r.hash,
  leafIndex: r.leaf_index === null ? null : Number(r.leaf_index),
  leafHash: r.leaf_hash ?? null,
});

const toAdmin = (r: AdminRow): AdminAuditRow => ({
  id: Number(r.id),
  at: Number(r.at),
  actor: r.actor,
  action: r.action,
  target: r.target,
  before: r.before,
  after: r.after,
});

const toHead = (r: HeadRow): StoredHead => ({ treeSize: Number(r.tree_size), rootHash: r.root_hash, at: Number(r.at), signature: r.signature });

const ACCESS_COLUMNS = `d.id, d.at, d.institution_id, d.application_id, d.contract_no, d.supplier_uscc, d.purchaser_region_code, d.part,
  d.consent_expires_at, d.hash, d.leaf_index`;
const RECORD_COLUMNS = 'at, institution_id, application_id, contract_no, supplier_uscc, purchaser_region_code, part, consent_expires_at';
// PostgreSQL numbers reads from a sequence; SQLite has one writer, which takes the next id in the same statement.
// Many reads in one statement: a column of values each, so that one prepared statement serves any number.
const INSERT_PG = `insert into data_access_log (${RECORD_COLUMNS})
  select * from unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[])`;
const INSERT_SQLITE = `insert into data_access_log (id, ${RECORD_COLUMNS})
  values ((select coalesce(max(id), 0) + 1 from data_access_log), ?, ?, ?, ?, ?, ?, ?, ?)`;

// The entries the sequencer has not given a leaf yet, oldest first: one prepared statement, a batch a second.
const UNSEQUENCED_ACCESS = `select ${ACCESS_COLUMNS} from data_access_log d where d.leaf_index is null order by d.id limit ?`;

const TREE_SIZE = 'select max(leaf_index) as m from audit_leaves';
const treeSize = (r: { m: number | string | null } | undefined) => (r?.m === null || r?.m === undefined ? 0 : Number(r.m) + 1);
const INSERT_LEAVES_SQLITE = 'insert into audit_leaves (leaf_index, kind, entry_id) select ? + key, value ->> 0, value ->> 1 from json_each(?)';
const INSERT_NODES_SQLITE = 'insert into audit_tree_nodes (level, idx, hash) select value ->> 0, value ->> 1, value ->> 2 from json_each(?)';
/**
 * Gives each listed entry (ids as a JSON array) the leaf just inserted for it. Found by id: a condition on
 * `leaf_index` here would make SQLite walk every waiting entry for each listed one. An entry given a leaf twice
 * is refused by `audit_leaves`' unique (kind, entry_id).
 */
const markSqlite = (kind: 'data_access' | 'admin') => {
  const table = kind === 'data_access' ? 'data_access_log' : 'admin_audit';
  return `update ${table} set leaf_index = (select l.leaf_index from audit_leaves l where l.kind = ? and l.entry_id = ${table}.id)
    where id in (select value from json_each(?))`;
};

/** A SQLite batch found the tree grown since it was read: another sequencer committed first. */
class SequencedElsewhere extends Error {}

/** The one advisory lock of the sequencer (any constant; the gateway's database holds no other). */
const SEQUENCER_LOCK = 7_236_000_918;

const recordParams = (r: AccessRecord) => [
  r.at,
  r.institutionId,
  r.applicationId,
  r.contractNo,
  r.supplierUscc,
  r.purchaserRegionCode,
  r.part,
  r.consentExpiresAt,
];

const key = (level: number, index: number) => `${level}/${index}`;

async function readNodes(db: Knex, keys: readonly { level: number; index: number }[]): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  for (let i = 0; i < keys.length; i += 200) {
    const chunk = keys.slice(i, i + 200);
    const rows = (await db('audit_tree_nodes')
      .select('level', 'idx', 'hash')
      .where((q) => {
        for (const k of chunk) q.orWhere((w) => w.where('level', k.level).andWhere('idx', k.index));
      })) as { level: number | string; idx: number | string; hash: string }[];
    for (const r of rows) found.set(key(Number(r.level), Number(r.idx)), Buffer.from(r.hash, 'hex'));
  }
  return found;
}

/** The audit log in `data_access_log` and `admin_audit`, its tree in `audit_leaves`, `audit_tree_nodes`, `audit_tree_heads`. */
export class KnexAuditStore implements AuditStore {
  private readonly statements: PreparedStatements;
  /** PostgreSQL: reads waiting for the INSERT in flight to commit; the next INSERT writes them all. */
  private waiting: { params: (string | number)[]; done: (err?: unknown) => void; alone?: boolean }[] = [];
  private writing = false;

  constructor(private readonly db: Knex) {
    this.statements = new PreparedStatements(db);
  }

  async appendAccess(record: AccessRecord): Promise<void> {
    if (this.statements.sqlite) {
      await this.statements.batched((s) => s.run(INSERT_SQLITE, recordParams(record)));
      return;
    }
    // A read inside a transaction is written in it, and commits or rolls back with it.
    if (!this.statements.autocommit) {
      await this.statements.run(INSERT_PG, columnsOf([recordParams(record)]));
      return;
    }
    await new Promise<void>((resolve, reject) => {
      this.waiting.push({ params: recordParams(record), done: (err) => (err === undefined ? resolve() : reject(err)) });
      if (!this.writing) void this.writeWaiting();
    });
  }

  /**
   * Group commit on PostgreSQL: the first read is written at once; reads logged while its INSERT commits wait and
   * go in the next one, however many. A bank's answer is still sent only after its read is committed, and a quiet
   * gateway waits for nothing — under load it commits once for many reads instead of once for each.
   */
  private async writeWaiting(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, this.waiting[0]!.alone ? 1 : 1_000);
        try {
          await this.statements.run(INSERT_PG, columnsOf(batch.map((b) => b.params)));
          for (const b of batch) b.done();
        } catch (err) {
          if (batch.length === 1) batch[0]!.done(err ?? new Error('the data-access log was not written'));
          // One read the database refuses must not fail the others': each alone, then.
          else this.waiting.unshift(...batch.map((b) => ({ ...b, alone: true })));
        }
      }
    } finally {
      this.writing = false;
    }
  }

  async listAccess(owner: AccessOwner, q: { beforeId?: number | undefined; limit: number }): Promise<AccessLogEntry[]> {
    const query = this.db('data_access_log as d')
      .leftJoin('audit_tree_nodes as n', (j) => j.on('n.idx', 'd.leaf_index').andOnVal('n.level', 0))
      .select(this.db.raw(ACCESS_COLUMNS), 'n.hash as leaf_hash')
      .orderBy('d.id', 'desc')
      .limit(q.limit);
    if ('supplierUscc' in owner) query.where('d.supplier_uscc', owner.supplierUscc);
    else query.whereIn('d.purchaser_region_code', [...owner.regionCodes]);
    if (q.beforeId !== undefined) query.where('d.id', '<', q.beforeId);
    return ((await query) as AccessRow[]).map(toAccess);
  }

  async leaf(index: number): Promise<{ source: AuditSource | undefined } | undefined> {
    const row = (await this.db('audit_leaves').where('leaf_index', index).first('kind', 'entry_id')) as { kind: string; entry_id: number | string } | undefined;
    if (!row) return undefined;
    return { source: await this.source(row.kind, Number(row.entry_id)) };
  }

  private async source(kind: string, id: number): Promise<AuditSource | undefined> {
    if (kind === 'data_access') {
      const r = (await this.db('data_access_log as d').where('d.id', id).first(this.db.raw(ACCESS_COLUMNS))) as AccessRow | undefined;
      return r && { kind: 'data_access', entry: toAccess(r) };
    }
    const r = (await this.db('admin_audit').where('id', id).first('*')) as AdminRow | undefined;
    return r && { kind: 'admin', entry: toAdmin(r) };
  }

  nodes(keys: readonly { level: number; index: number }[]): Promise<Map<string, Buffer>> {
    return readNodes(this.db, keys);
  }

  async latestHead(): Promise<StoredHead | undefined> {
    const r = (await this.db('audit_tree_heads').orderBy('tree_size', 'desc').first('*')) as HeadRow | undefined;
    return r && toHead(r);
  }

  async addHead(head: StoredHead): Promise<void> {
    await this.db('audit_tree_heads')
      .insert({ tree_size: head.treeSize, root_hash: head.rootHash, at: head.at, signature: head.signature })
      .onConflict('tree_size')
      .ignore();
  }

  async head(treeSize: number): Promise<StoredHead | undefined> {
    const r = (await this.db('audit_tree_heads').where('tree_size', treeSize).first('*')) as HeadRow | undefined;
    return r && toHead(r);
  }

  async heads(afterSize: number, limit: number): Promise<StoredHead[]> {
    const rows = (await this.db('audit_tree_heads').where('tree_size', '>', afterSize).orderBy('tree_size').limit(limit)) as HeadRow[];
    return rows.map(toHead);
  }

  async walk(afterIndex: number, limit: number): Promise<WalkedLeaf[]> {
    const leaves = (await this.db('audit_leaves as l')
      .leftJoin('audit_tree_nodes as n', (j) => j.on('n.idx', 'l.leaf_index').andOnVal('n.level', 0))
      .where('l.leaf_index', '>', afterIndex)
      .orderBy('l.leaf_index')
      .limit(limit)
      .select('l.leaf_index', 'l.kind', 'l.entry_id', 'n.hash')) as { leaf_index: number | string; kind: string; entry_id: number | string; hash: string | null }[];
    const ids = (kind: string) => leaves.filter((l) => l.kind === kind).map((l) => Number(l.entry_id));
    const access = new Map<number, AccessLogEntry>();
    const admin = new Map<number, AdminAuditRow>();
    const accessIds = ids('data_access');
    const adminIds = ids('admin');
    if (accessIds.length) {
      for (const r of (await this.db('data_access_log as d').whereIn('d.id', accessIds).select(this.db.raw(ACCESS_COLUMNS))) as AccessRow[]) access.set(Number(r.id), toAccess(r));
    }
    if (adminIds.length) {
      for (const r of (await this.db('admin_audit').whereIn('id', adminIds).select('*')) as AdminRow[]) admin.set(Number(r.id), toAdmin(r));
    }
    return leaves.map((l) => {
      const id = Number(l.entry_id);
      const a = l.kind === 'data_access' ? access.get(id) : undefined;
      const m = l.kind === 'admin' ? admin.get(id) : undefined;
      const source: AuditSource | undefined = a ? { kind: 'data_access', entry: a } : m ? { kind: 'admin', entry: m } : undefined;
      return { leafIndex: Number(l.leaf_index), storedHash: l.hash === null ? undefined : Buffer.from(l.hash, 'hex'), source };
    });
  }

  /**
   * On PostgreSQL in a transaction holding a transaction-scoped advisory lock, taken without waiting: the
   * instance that holds it sequences, the others skip their turn. Appenders never wait on it.
   * On SQLite the reads and the hashing hold no transaction, so requests' statements run between them (a knex
   * transaction would hold the one connection throughout), and the commit is one `BEGIN IMMEDIATE` transaction
   * that first checks the tree has not grown since the batch was read: if it has, another sequencer (another
   * process on the file) went first, and this one stands down.
   */
  async sequence<T>(work: (s: SequencerSession) => Promise<T>): Promise<T | undefined> {
    if (!isPostgres(this.db)) {
      try {
        return await work(this.sqliteSession());
      } catch (err) {
        if (err instanceof SequencedElsewhere) return undefined;
        throw err;
      }
    }
    return this.db.transaction(async (trx) => {
      const got = (await trx.raw('select pg_try_advisory_xact_lock(?) as locked', [SEQUENCER_LOCK])) as { rows: { locked: boolean }[] };
      if (!got.rows[0]?.locked) return undefined;
      return work(this.session(trx));
    });
  }

  /** SQLite: reads as they come, then the whole batch in one synchronous transaction (see {@link sequence}). */
  private sqliteSession(): SequencerSession {
    const statements = this.statements;
    return {
      size: async () => treeSize(await statements.get<{ m: number | null }>(TREE_SIZE)),
      unsequenced: (limit) => this.unsequenced(statements, this.db, limit),
      nodes: (keys) => readNodes(this.db, keys),
      commit: async ({ size, sources, nodes }) => {
        const leaves = sources.map((s) => [s.kind, s.entry.id] as const);
        const committed = await statements.transactionSync((s) => {
          if (treeSize(s.get<{ m: number | null }>(TREE_SIZE)) !== size) return false;
          // Each table in one statement over a JSON array (json_each), so the work per entry is SQLite's own.
          s.run(INSERT_LEAVES_SQLITE, [size, JSON.stringify(leaves)]);
          s.run(INSERT_NODES_SQLITE, [JSON.stringify(nodes.map((n) => [n.level, n.index, n.hash.toString('hex')]))]);
          for (const kind of ['data_access', 'admin'] as const) {
            const ids = leaves.filter(([k]) => k === kind).map(([, id]) => id);
            if (!ids.length) continue;
            // An entry gone since it was read (it is not: the log is append-only) would leave its leaf unmarked.
            if (s.run(markSqlite(kind), [kind, JSON.stringify(ids)]) !== ids.length) throw new Error(`audit entries of ${kind} changed while sequenced`);
          }
          return true;
        });
        if (!committed) throw new SequencedElsewhere();
      },
    };
  }

  private async unsequenced(statements: PreparedStatements, db: Knex, limit: number): Promise<AuditSource[]> {
    const access = await statements.all<AccessRow>(UNSEQUENCED_ACCESS, [limit]);
    const sources: AuditSource[] = access.map((r) => ({ kind: 'data_access', entry: toAccess(r) }));
    if (sources.length < limit) {
      const admin = (await db('admin_audit').whereNull('leaf_index').orderBy('id').limit(limit - sources.length)) as AdminRow[];
      for (const r of admin) sources.push({ kind: 'admin', entry: toAdmin(r) });
    }
    return sources;
  }

  /** PostgreSQL: everything in the transaction that holds the advisory lock. */
  private session(trx: Knex.Transaction): SequencerSession {
    return {
      size: async () => {
        const r = (await trx('audit_leaves').max('leaf_index as m').first()) as { m: number | string | null } | undefined;
        return treeSize(r);
      },
      unsequenced: (limit) => this.unsequenced(new PreparedStatements(trx), trx, limit),
      nodes: (keys) => readNodes(trx, keys),
      commit: async ({ size, sources, nodes }) => {
        const leaves = sources.map((s, i) => ({ leafIndex: size + i, kind: s.kind, entryId: s.entry.id }));
        const rows = nodes.map((n) => ({ level: n.level, index: n.index, hash: n.hash.toString('hex') }));
        // Each table in one statement over arrays, whatever the batch's size.
        await trx.raw('insert into audit_leaves (leaf_index, kind, entry_id) select * from unnest(?::bigint[], ?::text[], ?::bigint[])', [
          leaves.map((l) => l.leafIndex),
          leaves.map((l) => l.kind),
          leaves.map((l) => l.entryId),
        ]);
        await trx.raw('insert into audit_tree_nodes (level, idx, hash) select * from unnest(?::int[], ?::bigint[], ?::text[])', [
          rows.map((n) => n.level),
          rows.map((n) => n.index),
          rows.map((n) => n.hash),
        ]);
        for (const kind of ['data_access', 'admin'] as const) {
          const mine = leaves.filter((l) => l.kind === kind);
          if (!mine.length) continue;
          const table = kind === 'data_access' ? 'data_access_log' : 'admin_audit';
          await trx.raw(`update ${table} t set leaf_index = v.leaf_index from unnest(?::bigint[], ?::bigint[]) as v(id, leaf_index) where t.id = v.id`, [
            mine.map((l) => l.entryId),
            mine.map((l) => l.leafIndex),
          ]);
        }
      },
    };
  }
}
