import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The budget as configured: Cloudflare's limit as the operator states it, and how the client adapts. */
export interface BudgetLimits {
  requests: number;
  windowMs: number;
  /** How far ahead a slot may be granted; a later one is only announced, and asked for again then. */
  horizonMs: number;
  /** After a decrease, the share of the limit regained per window without another unexplained 429. */
  recoveryPerWindow: number;
}

export interface Reservation {
  granted: boolean;
  /** Until the granted slot, or until it is worth asking again. */
  waitMs: number;
  /** The slot, on the database's clock: what a refused request gives back. */
  slot: number;
  /** By how much the tightest window is widened: a request arriving later than that must be moved. */
  marginMs: number;
}

export interface LimitSignal {
  /** A 429 (true), or an answer saying nothing is left of the quota (false). */
  refused: boolean;
  pauseMs: number;
  policy?: { limit: number; windowMs: number };
  /** The refused request's slot: Cloudflare did not count it, so neither do we. */
  slot?: number;
}

// The margin by which a window is widened, so that a request overtaking an earlier one on the way to
// Cloudflare cannot squeeze one too many into Cloudflare's window: 2 % of it, between 0.1 s and 1 s.
const margin = (windowMs: string) => `greatest(100::float8, least(1000::float8, ${windowMs} * 0.02::float8))`;

/** The log without the first occurrence of a slot (two requests can share one slot time). */
const withoutSlot = (log: string, slot: string) =>
  `${log}[:array_position(${log}, ${slot}::float8) - 1] || ${log}[array_position(${log}, ${slot}::float8) + 1:]`;

// MATERIALIZED: each step is computed once, not inlined into every expression that uses it.
const LOCKED_ROW = `
  clock AS MATERIALIZED (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS now),
  current AS MATERIALIZED (
    SELECT b.*, clock.now, least(1, b.scale + $3::float8 * (clock.now - b.scaled_at) / $4::float8) AS live_scale
    FROM cloudflare_rate_budgets b, clock
    WHERE b.token_digest = $1
    FOR UPDATE OF b
  ),
  limits AS MATERIALIZED (
    SELECT c.*,
      greatest(1, floor($2::int * c.live_scale))::int AS config_limit,
      $4::float8 + ${margin('$4::float8')} AS config_window,
      CASE WHEN c.learned_limit IS NOT NULL THEN greatest(1, floor(c.learned_limit * c.live_scale))::int END AS learned_now,
      c.learned_window_ms + ${margin('c.learned_window_ms')} AS learned_window
    FROM current c
  )`;

/**
 * The per-token request budget in PostgreSQL (docs/rate-limits.md), so that every process on one database
 * stays under it together: one row per token digest holding the send times of the last window's requests
 * (a sliding log), the pause Cloudflare imposed, the adaptive scale and the policy Cloudflare stated.
 * Each statement locks that one row, so concurrent processes take turns on it.
 */
@Injectable()
export class RequestBudgetStore {
  private readonly known = new Set<string>();

  constructor(private readonly dataSource: DataSource) {}

  /** One statement: a slot for one request, at the earliest moment every window allows. */
  async reserve(digest: string, limits: BudgetLimits): Promise<Reservation> {
    await this.ensureRow(digest);
    // TypeORM answers an UPDATE with [rows, affected count].
    const [rows]: [{ granted: boolean; wait_ms: number; slot: number; margin_ms: number }[], number] = await this.dataSource.query(
      `WITH ${LOCKED_ROW},
      expired AS MATERIALIZED (
        SELECT l.*, (
          SELECT count(*) FROM unnest(l.sent_at) AS s
          WHERE s <= l.now - greatest(l.config_window, coalesce(l.learned_window, 0))
        )::int AS stale
        FROM limits l
      ),
      -- The log is in ascending order (every slot is at or after the last one), so the expired part is a prefix.
      kept AS MATERIALIZED (SELECT e.*, e.sent_at[e.stale + 1:] AS log FROM expired e),
      slot AS MATERIALIZED (
        SELECT k.now, k.log, greatest(
          k.now, k.paused_until, k.log[cardinality(k.log)],
          k.log[cardinality(k.log) - k.config_limit + 1] + k.config_window,
          k.log[cardinality(k.log) - k.learned_now + 1] + k.learned_window
        ) AS at,
        least(k.config_window - $4::float8, k.learned_window - k.learned_window_ms) AS margin_ms
        FROM kept k
      )
      UPDATE cloudflare_rate_budgets b
      SET sent_at = CASE WHEN slot.at <= slot.now + $5::float8 THEN slot.log || slot.at ELSE slot.log END,
          updated_at = now()
      FROM slot WHERE b.token_digest = $1
      RETURNING slot.at <= slot.now + $5::float8 AS granted, slot.at - slot.now AS wait_ms, slot.at AS slot, slot.margin_ms`,
      [digest, limits.requests, limits.recoveryPerWindow, limits.windowMs, limits.horizonMs],
    );
    const [row] = rows;
    if (!row) throw new Error('the request budget row vanished while reserving a slot');
    return {
      granted: row.granted,
      waitMs: Math.max(0, Number(row.wait_ms)),
      slot: Number(row.slot),
      marginMs: Number(row.margin_ms),
    };
  }

  /** A request that reached Cloudflare later than its slot counts from when its answer came back. */
  async moveSlot(digest: string, from: number, to: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE cloudflare_rate_budgets
      SET sent_at = ARRAY(SELECT s FROM unnest(${withoutSlot('sent_at', '$2')} || $3::float8) AS s ORDER BY s), updated_at = now()
      WHERE token_digest = $1 AND array_position(sent_at, $2::float8) IS NOT NULL`,
      [digest, from, to],
    );
  }

  /**
   * Records what Cloudflare said: the policy it stated is adopted, and the pause applies to every process.
   * When our own requests in the window do not explain the refusal (the dashboard or another tool spent the
   * quota), an exhausted quota pauses us until it resets, and a 429 from a Cloudflare that states no policy
   * halves the budget (once per pause). With a stated policy the pause alone is enough: a refusal just
   * after our window slid on is Cloudflare's block still running, not a smaller quota.
   */
  async signal(digest: string, limits: BudgetLimits, signal: LimitSignal): Promise<void> {
    await this.ensureRow(digest);
    await this.dataSource.query(
      `WITH ${LOCKED_ROW},
      judged AS MATERIALIZED (
        SELECT l.*,
          (SELECT count(*) FROM unnest(l.sent_at) AS s
           WHERE s <= l.now AND s > l.now - coalesce($8::int + ${margin('$8::int')}, l.learned_window, l.config_window))
            >= coalesce(CASE WHEN $7::int IS NOT NULL THEN greatest(1, floor($7::int * l.live_scale))::int END, l.learned_now, l.config_limit) AS explained
        FROM limits l
      )
      UPDATE cloudflare_rate_budgets b
      SET sent_at = CASE WHEN array_position(b.sent_at, $9::float8) IS NULL THEN b.sent_at ELSE ${withoutSlot('b.sent_at', '$9')} END,
          paused_until = CASE WHEN $6 OR NOT j.explained THEN greatest(b.paused_until, j.now + $5::float8) ELSE b.paused_until END,
          scale = CASE WHEN $6 AND NOT j.explained AND j.now >= b.paused_until AND coalesce($7::int, b.learned_limit) IS NULL
                  THEN greatest(0.01, j.live_scale * 0.5) ELSE j.live_scale END,
          scaled_at = j.now,
          learned_limit = coalesce($7::int, b.learned_limit),
          learned_window_ms = coalesce($8::int, b.learned_window_ms),
          updated_at = now()
      FROM judged j WHERE b.token_digest = $1`,
      [
        digest,
        limits.requests,
        limits.recoveryPerWindow,
        limits.windowMs,
        signal.pauseMs,
        signal.refused,
        signal.policy?.limit ?? null,
        signal.policy?.windowMs ?? null,
        signal.slot ?? null,
      ],
    );
  }

  private async ensureRow(digest: string): Promise<void> {
    if (this.known.has(digest)) return;
    await this.dataSource.query(
      `INSERT INTO cloudflare_rate_budgets (token_digest) VALUES ($1) ON CONFLICT (token_digest) DO NOTHING`,
      [digest],
    );
    this.known.add(digest);
  }
}
