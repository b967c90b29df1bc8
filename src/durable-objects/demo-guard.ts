import { DurableObject } from 'cloudflare:workers';
import { workspaceObjectName } from '../domain/workspace';

const HOUR = 3_600_000;
/** A reservation whose booking never reported back (a crashed request) stops counting after this. */
const STALE_RESERVATION_MS = 2 * 60_000;

export type GuardDecision = { ok: true } | { ok: false; reason: 'attempts'; retryAfterSeconds: number } | { ok: false; reason: 'active'; bookingIds: string[] };

/**
 * One instance per normalized email: the demo duplicate guard. It counts booking attempts in a rolling
 * hour and holds the person's active upcoming demos. A booking first reserves a place here, then takes
 * its slot; a failed booking releases the reservation. One object per email, one request at a time:
 * both rules are exact under concurrency.
 */
export class DemoGuard extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.createSchema();
  }

  /** Also run after the alarm empties the object with deleteAll(), which drops the tables: the object lives on. */
  private createSchema(): void {
    this.ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS attempts (at INTEGER NOT NULL)');
    this.ctx.storage.sql.exec(
      'CREATE TABLE IF NOT EXISTS demos (booking_id TEXT PRIMARY KEY, state TEXT NOT NULL, end_ms INTEGER NOT NULL, reserved_at INTEGER NOT NULL)',
    );
  }

  /** Counts this attempt and, if both rules allow it, reserves a place for `bookingId`. */
  async admit(input: { bookingId: string; now: number; attemptsPerHour: number; maxActive: number }): Promise<GuardDecision> {
    const { now } = input;
    const sql = this.ctx.storage.sql;
    sql.exec('DELETE FROM attempts WHERE at <= ?', now - HOUR);
    sql.exec("DELETE FROM demos WHERE (state = 'active' AND end_ms <= ?) OR (state = 'pending' AND reserved_at <= ?)", now, now - STALE_RESERVATION_MS);
    const attempts = sql.exec<{ n: number; oldest: number | null }>('SELECT COUNT(*) AS n, MIN(at) AS oldest FROM attempts').one();
    if (attempts.n >= input.attemptsPerHour) {
      return { ok: false, reason: 'attempts', retryAfterSeconds: Math.max(1, Math.ceil(((attempts.oldest ?? now) + HOUR - now) / 1000)) };
    }
    sql.exec('INSERT INTO attempts (at) VALUES (?)', now);
    await this.armCleanup(now + HOUR);
    const active = sql.exec<{ booking_id: string }>('SELECT booking_id FROM demos').toArray();
    if (active.length >= input.maxActive) return { ok: false, reason: 'active', bookingIds: active.map((a) => a.booking_id) };
    sql.exec("INSERT INTO demos (booking_id, state, end_ms, reserved_at) VALUES (?, 'pending', ?, ?)", input.bookingId, now + STALE_RESERVATION_MS, now);
    return { ok: true };
  }

  /** The booking was made: the reservation becomes an active demo until it ends. */
  async confirm(bookingId: string, endMs: number): Promise<void> {
    this.ctx.storage.sql.exec(
      "INSERT INTO demos (booking_id, state, end_ms, reserved_at) VALUES (?, 'active', ?, ?) ON CONFLICT (booking_id) DO UPDATE SET state = 'active', end_ms = excluded.end_ms",
      bookingId,
      endMs,
      Date.now(),
    );
    await this.armCleanup(endMs);
  }

  /** The booking failed or was cancelled: it no longer counts. */
  async release(bookingId: string): Promise<void> {
    this.ctx.storage.sql.exec('DELETE FROM demos WHERE booking_id = ?', bookingId);
  }

  private async armCleanup(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current < at) await this.ctx.storage.setAlarm(at + 1000);
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    const sql = this.ctx.storage.sql;
    sql.exec('DELETE FROM attempts WHERE at <= ?', now - HOUR);
    sql.exec('DELETE FROM demos WHERE end_ms <= ?', now);
    const last = sql
      .exec<{ at: number | null }>('SELECT MAX(t) AS at FROM (SELECT MAX(at) + ? AS t FROM attempts UNION ALL SELECT MAX(end_ms) AS t FROM demos)', HOUR)
      .one().at;
    if (last === null) {
      // Nothing left to remember: free the storage, and keep the (empty) tables for the next request.
      await this.ctx.storage.deleteAll();
      this.createSchema();
    } else await this.ctx.storage.setAlarm(Math.max(last, now) + 1000);
  }
}

/** The guard of one person (by normalized email) in one workspace. */
export function demoGuard(ns: DurableObjectNamespace<DemoGuard>, workspaceId: string, emailNormalized: string) {
  return ns.get(ns.idFromName(workspaceObjectName(workspaceId, `demo:${emailNormalized}`)));
}
