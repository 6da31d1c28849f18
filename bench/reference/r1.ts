/**
 * R1: the bare work of the gateway's contract read, with nothing else — express 5, jose verifying an
 * access token of the kind the gateway issues (ES256, typ at+jwt, issuer/audience/algorithm pinned,
 * the same required claims, the scope checked), and one prepared-statement primary-key read returning
 * a contract-sized JSON (~1.5 KB): better-sqlite3, or `pg` when DATABASE_URL is postgres://.
 *
 * Env: PORT, DATABASE_URL (sqlite:PATH or postgres://…), R1_ISSUER, R1_PUBLIC_JWK (the verification key, JSON).
 */
import Database from 'better-sqlite3';
import express from 'express';
import { importJWK, jwtVerify, type CryptoKey, type JWK } from 'jose';
import pg from 'pg';
import { contractJson, contractRow, type ContractRow } from './contract-rows.js';

/** Rows R1 seeds. */
const ROWS = 10_000;
const COLUMNS = Object.keys(contractRow(0)) as (keyof ContractRow)[];

const issuer = process.env.R1_ISSUER!;
const jwk = JSON.parse(process.env.R1_PUBLIC_JWK!) as JWK;
const key = (await importJWK(jwk, 'ES256')) as CryptoKey;
const url = process.env.DATABASE_URL!;

type Read = (contractNo: string) => Promise<ContractRow | undefined>;

async function sqlite(filename: string): Promise<Read> {
  const db = new Database(filename);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE IF NOT EXISTS r1_contracts (${COLUMNS.map((c) => `${c} ${c.endsWith('_fen') ? 'INTEGER' : 'TEXT'}`).join(', ')}, PRIMARY KEY (contract_no))`);
  const insert = db.prepare(`INSERT OR REPLACE INTO r1_contracts (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => '@' + c).join(', ')})`);
  db.transaction(() => {
    for (let i = 0; i < ROWS; i++) insert.run(contractRow(i));
  })();
  const select = db.prepare('SELECT * FROM r1_contracts WHERE contract_no = ?');
  return async (no) => select.get(no) as ContractRow | undefined;
}

async function postgres(connectionString: string): Promise<Read> {
  const pool = new pg.Pool({ connectionString, max: 10 });
  await pool.query(`CREATE TABLE IF NOT EXISTS r1_contracts (${COLUMNS.map((c) => `${c} ${c.endsWith('_fen') ? 'BIGINT' : 'TEXT'}`).join(', ')}, PRIMARY KEY (contract_no))`);
  await pool.query('TRUNCATE r1_contracts');
  for (let i = 0; i < ROWS; i += 500) {
    const rows = Array.from({ length: Math.min(500, ROWS - i) }, (_, j) => contractRow(i + j));
    const params: unknown[] = [];
    const tuples = rows.map((r) => `(${COLUMNS.map((c) => `$${params.push(r[c])}`).join(', ')})`);
    await pool.query(`INSERT INTO r1_contracts (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }
  return async (no) => {
    const r = await pool.query<ContractRow>({ name: 'r1_contract_by_no', text: 'SELECT * FROM r1_contracts WHERE contract_no = $1', values: [no] });
    return r.rows[0];
  };
}

const read = /^postgres(ql)?:\/\//.test(url) ? await postgres(url) : await sqlite(url.replace(/^(sqlite|file):(\/\/)?/, ''));

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
app.get('/contracts/:no', async (req, res) => {
  const m = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(req.headers.authorization ?? '');
  if (!m) {
    res.status(401).json({ code: 'unauthenticated' });
    return;
  }
  try {
    const { payload } = await jwtVerify(m[1]!, key, {
      algorithms: ['ES256'],
      issuer,
      audience: issuer,
      typ: 'at+jwt',
      requiredClaims: ['sub', 'exp', 'iat', 'jti', 'client_id', 'scope', 'zcd_kjkt', 'zcd_kind'],
    });
    if (!String(payload.scope).split(' ').includes('institution')) {
      res.status(403).json({ code: 'insufficient_scope' });
      return;
    }
  } catch {
    res.status(401).json({ code: 'invalid_token' });
    return;
  }
  const row = await read(req.params.no);
  if (!row) {
    res.status(404).json({ code: 'not_found' });
    return;
  }
  res.json(contractJson(row));
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
