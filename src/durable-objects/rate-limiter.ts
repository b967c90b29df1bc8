import { DurableObject } from 'cloudflare:workers';
import { workspaceObjectName } from '../domain/workspace';

export interface LimitDecision {
  allowed: boolean;
  /** Attempts left in the window after this one. */
  remaining: number;
  /** Seconds until the next attempt would be allowed (0 when allowed). */
  retryAfterSeconds: number;
  /** When the attempt was counted (pass it to `refundLimit`). */
  countedAt?: number;
}

/**
 * Sliding-window limits, exact under any concurrency: every key (a normalized email, a client network…)
 * is decided by exactly one object, and an object handles one request at a time.
 *
 * Keys are spread over a fixed set of objects by a hash of the key rather than given an object each.
 * Almost every visitor is a new email and a new network, and a brand-new object costs a storage
 * database of its own; a few warm objects per kind cost nothing per visitor. Each shard keeps the keys
 * it owns in one table, and an alarm deletes attempts once they have left their window.
 */
export class RateLimiter extends DurableObject<Env> {
  /** Mirror of the scheduled alarm, so that `take` never waits on storage and its writes coalesce. */
  private alarmAt: number | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.createSchema();
    void ctx.blockConcurrencyWhile(async () => {
      this.alarmAt = await ctx.storage.getAlarm();
    });
  }

  private createSchema() {
    const sql = this.ctx.storage.sql;
    sql.exec('CREATE TABLE IF NOT EXISTS hits (key TEXT NOT NULL, at INTEGER NOT NULL, expires_at INTEGER NOT NULL)');
    sql.exec('CREATE INDEX IF NOT EXISTS hits_key_at ON hits (key, at)');
    sql.exec('CREATE INDEX IF NOT EXISTS hits_expires_at ON hits (expires_at)');
  }

  /** Counts one attempt for `key` if it has had fewer than `limit` within the last `windowSeconds`. */
  async take(key: string, limit: number, windowSeconds: number, now = Date.now()): Promise<LimitDecision> {
    const windowMs = windowSeconds * 1000;
    const sql = this.ctx.storage.sql;
    const row = sql
      .exec<{ n: number; oldest: number | null }>('SELECT COUNT(*) AS n, MIN(at) AS oldest FROM hits WHERE key = ? AND at > ?', key, now - windowMs)
      .one();
    if (row.n >= limit) {
      const retryAfterMs = (row.oldest ?? now) + windowMs - now;
      return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
    }
    sql.exec('INSERT INTO hits (key, at, expires_at) VALUES (?, ?, ?)', key, now, now + windowMs);
    // Not awaited on purpose: the write is still ordered and output-gated, and a method with no await
    // lets the runtime commit many concurrent attempts together.
    if (this.alarmAt === null) this.scheduleAlarm(now + windowMs + 1000);
    return { allowed: true, remaining: limit - row.n - 1, retryAfterSeconds: 0, countedAt: now };
  }

  /** Gives back one counted attempt (it turned out to be a forged request in someone else's name). */
  async refund(key: string, countedAt: number): Promise<void> {
    this.ctx.storage.sql.exec('DELETE FROM hits WHERE rowid = (SELECT rowid FROM hits WHERE key = ? AND at = ? LIMIT 1)', key, countedAt);
  }

  private scheduleAlarm(at: number) {
    this.alarmAt = at;
    void this.ctx.storage.setAlarm(at);
  }

  /** Housekeeping: drop attempts that left their window; sleep until the next one does. */
  override async alarm(): Promise<void> {
    const sql = this.ctx.storage.sql;
    sql.exec('DELETE FROM hits WHERE expires_at <= ?', Date.now());
    const next = sql.exec<{ at: number | null }>('SELECT MIN(expires_at) AS at FROM hits').one().at;
    this.alarmAt = null;
    if (next !== null) this.scheduleAlarm(next + 1000);
  }
}

/** Objects per kind of key. Raising it spreads load; changing it moves keys (counts restart once). */
const SHARDS = 32;

/** FNV-1a: a fast, stable 32-bit hash, enough to spread keys evenly. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The object that owns `key` ("email:…" → one of the 32 "email" shards; "<workspace>/email:…" → that workspace's). */
export function limiterFor(ns: DurableObjectNamespace<RateLimiter>, key: string) {
  const kind = key.slice(0, Math.max(0, key.indexOf(':'))) || 'key';
  return ns.get(ns.idFromName(`${kind}#${fnv1a(key) % SHARDS}`));
}

/** Takes one attempt for `key` in a workspace (each workspace counts on shards of its own). */
export function takeLimit(ns: DurableObjectNamespace<RateLimiter>, workspaceId: string, key: string, limit: number, windowSeconds: number) {
  const scoped = workspaceObjectName(workspaceId, key);
  return limiterFor(ns, scoped).take(scoped, limit, windowSeconds);
}

export function refundLimit(ns: DurableObjectNamespace<RateLimiter>, workspaceId: string, key: string, countedAt: number) {
  const scoped = workspaceObjectName(workspaceId, key);
  return limiterFor(ns, scoped).refund(scoped, countedAt);
}
