import { DurableObject } from 'cloudflare:workers';

/** An event still outstanding after this long is forgotten (it keeps failing; the wait is bounded anyway). */
const FORGET_AFTER_MS = 3_600_000;

/**
 * `npm run dev` only (LOCAL_QUEUE_GAUGE): which accepted events are still on the local "events" queue.
 * Local queues live in memory, so stopping the dev stack with events on them loses those events;
 * `npm run dev` asks this gauge on Ctrl-C and waits until it reads zero. Production Queues persist
 * and never use it.
 */
export class LocalQueueGauge extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS outstanding (id TEXT PRIMARY KEY, at INTEGER NOT NULL)');
  }

  async track(ids: string[]): Promise<void> {
    const now = Date.now();
    for (const id of ids) this.ctx.storage.sql.exec('INSERT OR IGNORE INTO outstanding (id, at) VALUES (?, ?)', id, now);
  }

  async settle(ids: string[]): Promise<void> {
    for (const id of ids) this.ctx.storage.sql.exec('DELETE FROM outstanding WHERE id = ?', id);
  }

  async outstanding(): Promise<number> {
    const sql = this.ctx.storage.sql;
    sql.exec('DELETE FROM outstanding WHERE at < ?', Date.now() - FORGET_AFTER_MS);
    return sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM outstanding').one().n;
  }
}

export function localQueueGauge(env: Env) {
  return env.QUEUE_GAUGE.get(env.QUEUE_GAUGE.idFromName('events'));
}
