import { DurableObject } from 'cloudflare:workers';

export interface LimitDecision {
  allowed: boolean;
  /** Attempts left in the window after this one. */
  remaining: number;
  /** Seconds until the next attempt would be allowed (0 when allowed). */
  retryAfterSeconds: number;
  /** When the attempt was counted (pass it to `refund`). */
  countedAt?: number;
}

const MAX_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * One instance per key (a normalized email, a client network, …). Requests to one instance run one at
 * a time, so the sliding-window count is exact under any concurrency. The window lives in the object's
 * SQLite storage and is erased by an alarm once it has gone quiet.
 */
export class RateLimiter extends DurableObject<Env> {
  private windowMs: number | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.createSchema();
  }

  private createSchema() {
    this.ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS hits (at INTEGER NOT NULL)');
  }

  /** Counts one attempt if under `limit` within the last `windowSeconds`. */
  async take(limit: number, windowSeconds: number, now = Date.now()): Promise<LimitDecision> {
    const windowMs = windowSeconds * 1000;
    this.windowMs = windowMs;
    const sql = this.ctx.storage.sql;
    sql.exec('DELETE FROM hits WHERE at <= ?', now - windowMs);
    const row = sql.exec<{ n: number; oldest: number | null }>('SELECT COUNT(*) AS n, MIN(at) AS oldest FROM hits').one();
    if (row.n >= limit) {
      const retryAfterMs = (row.oldest ?? now) + windowMs - now;
      return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
    }
    sql.exec('INSERT INTO hits (at) VALUES (?)', now);
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(now + windowMs + 1000);
    return { allowed: true, remaining: limit - row.n - 1, retryAfterSeconds: 0, countedAt: now };
  }

  /** Gives back one counted attempt (e.g. it turned out to be a forged request in someone else's name). */
  async refund(countedAt: number): Promise<void> {
    this.ctx.storage.sql.exec('DELETE FROM hits WHERE rowid = (SELECT rowid FROM hits WHERE at = ? LIMIT 1)', countedAt);
  }

  /** How many attempts are counted in the window (for tests and the admin view). */
  async count(windowSeconds: number, now = Date.now()): Promise<number> {
    return this.ctx.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM hits WHERE at > ?', now - windowSeconds * 1000).one().n;
  }

  /**
   * Housekeeping: once the newest hit has left the window, the object forgets everything. The window is
   * known in memory; an object evicted since its last hit falls back to the longest window we allow.
   */
  override async alarm(): Promise<void> {
    const windowMs = this.windowMs ?? MAX_WINDOW_MS;
    const newest = this.ctx.storage.sql.exec<{ at: number | null }>('SELECT MAX(at) AS at FROM hits').one().at;
    if (newest === null || newest + windowMs <= Date.now()) {
      // deleteAll drops the table too; this instance may serve another request before it is evicted.
      await this.ctx.storage.deleteAll();
      return this.createSchema();
    }
    await this.ctx.storage.setAlarm(newest + windowMs + 1000);
  }
}

/** Takes one attempt from the limiter named `key`. */
export function takeLimit(ns: DurableObjectNamespace<RateLimiter>, key: string, limit: number, windowSeconds: number) {
  return ns.get(ns.idFromName(key)).take(limit, windowSeconds);
}

export function refundLimit(ns: DurableObjectNamespace<RateLimiter>, key: string, countedAt: number) {
  return ns.get(ns.idFromName(key)).refund(countedAt);
}
