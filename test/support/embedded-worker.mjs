// A child process for test/integration/embedded-database.test.ts. Children cannot run TypeScript, so
// this imports the compiled module (`npm run build` first). Usage: node embedded-worker.mjs '<json>'.
// Reports JSON lines on stdout: {"event": ...}.
import pg from 'pg';
import { openEmbeddedDatabase } from '../../dist/src/database/embedded/index.js';

const config = JSON.parse(process.argv[2]);
const report = (event, details = {}) => process.stdout.write(`${JSON.stringify({ event, pid: process.pid, ...details })}\n`);
const logs = [];
const log = (message) => logs.push(message);

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS embedded_rows (
    id bigserial PRIMARY KEY, worker text NOT NULL, seq int NOT NULL, payload text NOT NULL);
  CREATE TABLE IF NOT EXISTS embedded_counter (id int PRIMARY KEY, value int NOT NULL);
  INSERT INTO embedded_counter VALUES (1, 0) ON CONFLICT DO NOTHING;`;

async function open(role) {
  const started = Date.now();
  const db = await openEmbeddedDatabase({ dataDir: config.dataDir, role, waitForOwnerMs: config.waitForOwnerMs, log });
  return { db, openMs: Date.now() - started, openedAt: Date.now() };
}

/** One transaction: R rows (one of them large, so that its messages span several socket reads) and a counter bump. */
async function insertTransaction(pool, label, first, rows, commit) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(42)');
    const { rows: [counter] } = await client.query('SELECT value FROM embedded_counter WHERE id = $1', [1]);
    await client.query('UPDATE embedded_counter SET value = $1 WHERE id = $2', [counter.value + 1, 1]);
    for (let i = 0; i < rows; i++) {
      const payload = i === 0 ? 'p'.repeat(150_000) : `row ${first + i} of ${label}`;
      await client.query('INSERT INTO embedded_rows (worker, seq, payload) VALUES ($1, $2, $3)', [label, commit ? first + i : -1, payload]);
    }
    await client.query(commit ? 'COMMIT' : 'ROLLBACK');
  } finally {
    client.release();
  }
}

async function insert() {
  const { db, openMs, openedAt } = await open(config.role);
  const pool = new pg.Pool({ ...db.connection, max: 4 });
  await pool.query(SCHEMA);
  const { label, transactions, rowsPerTransaction: rows } = config;
  // Two transactions at a time on the pool: the socket must keep them apart.
  const lanes = [0, 1].map(async (lane) => {
    for (let t = lane; t < transactions; t += 2) await insertTransaction(pool, label, t * rows, rows, true);
  });
  await Promise.all([...lanes, insertTransaction(pool, label, 0, 2, false)]);
  await pool.end();
  const closeStartedAt = Date.now();
  await db.close();
  report('done', { owner: db.owner, openMs, openedAt, closeStartedAt, logs });
}

/** Opens (as a server or a CLI owner) and keeps serving until SIGTERM. */
async function serve() {
  const { db, openMs } = await open(config.role);
  const pool = new pg.Pool({ ...db.connection, max: 1 });
  await pool.query(SCHEMA);
  process.once('SIGTERM', async () => {
    await pool.end();
    await db.close();
    report('closed');
    process.exit(0);
  });
  setInterval(() => undefined, 60_000);
  report('ready', { owner: db.owner, connection: db.connection, openMs, logs });
}

/** Commits transactions in a loop, reporting each, until killed. */
async function churn() {
  const { db } = await open(config.role);
  const pool = new pg.Pool({ ...db.connection, max: 2 });
  await pool.query(SCHEMA);
  report('ready', { owner: db.owner });
  for (let t = 0; ; t++) {
    await insertTransaction(pool, config.label, t * config.rowsPerTransaction, config.rowsPerTransaction, true);
    report('committed', { rows: (t + 1) * config.rowsPerTransaction });
  }
}

/** Checks the data through the module (as the next owner), then the primary key with amcheck. */
async function verify() {
  const { db, openMs } = await open('cli');
  const client = new pg.Client(db.connection);
  await client.connect();
  // Count on the heap, not through the index that is being checked.
  await client.query('SET enable_indexscan = off; SET enable_indexonlyscan = off; SET enable_bitmapscan = off');
  const one = async (sql) => (await client.query(sql)).rows[0];
  const totals = await one('SELECT count(*)::int AS total, count(DISTINCT id)::int AS "distinctIds" FROM embedded_rows');
  const { rows: perWorker } = await client.query(
    `SELECT worker, count(*)::int AS rows, count(DISTINCT seq)::int AS "distinctSeqs", min(seq) AS "minSeq"
       FROM embedded_rows GROUP BY worker ORDER BY worker`,
  );
  const counter = (await one('SELECT value FROM embedded_counter WHERE id = 1')).value;
  await client.query('RESET ALL; REINDEX TABLE embedded_rows');
  await client.end();
  await db.close();

  // Everyone else has finished, so opening the folder directly (to load amcheck) is safe here.
  const { PGlite } = await import('@electric-sql/pglite');
  const { amcheck } = await import('@electric-sql/pglite/contrib/amcheck');
  const direct = await PGlite.create(`${config.dataDir}/pglite`, { extensions: { amcheck } });
  await direct.exec('CREATE EXTENSION IF NOT EXISTS amcheck');
  await direct.query(`SELECT bt_index_check('embedded_rows_pkey'::regclass, true)`);
  await direct.close();
  report('verified', { owner: db.owner, openMs, ...totals, perWorker, counter, amcheck: true, logs });
}

const modes = { insert, serve, churn, verify };
try {
  await modes[config.mode]();
} catch (error) {
  report('error', { name: error?.name, message: error?.message, logs });
  process.exit(1);
}
