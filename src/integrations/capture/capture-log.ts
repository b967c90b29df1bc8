import { DurableObject } from 'cloudflare:workers';

export interface CapturedMessage {
  id: string;
  at: string;
  /** email | crm | sms | webhook */
  kind: string;
  provider: string;
  summary: string;
  /** For emails: { to, subject, html, text, attachments }; for HTTP calls: { method, url, headers, body }. */
  data: Record<string, unknown>;
}

/**
 * Local capture mode's log: what Leadgate would have sent to each provider, kept so `/dev/captured` can
 * show it. One instance; keeps about the newest 500 entries. Never written in production (configuration
 * refuses capture mode there). (Not an outbox: nothing is sent from here.)
 */
export class CaptureLog extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS entries (seq INTEGER PRIMARY KEY AUTOINCREMENT, entry TEXT NOT NULL)');
  }

  /** Records a batch of captured messages in one call (a delivery batch's worth). */
  async record(entries: CapturedMessage[]): Promise<void> {
    const sql = this.ctx.storage.sql;
    let last = 0;
    for (const entry of entries) last = sql.exec<{ seq: number }>('INSERT INTO entries (entry) VALUES (?) RETURNING seq', JSON.stringify(entry)).one().seq;
    sql.exec('DELETE FROM entries WHERE seq <= ?', last - 500);
  }

  /** Newest first. */
  async list(limit = 100): Promise<CapturedMessage[]> {
    return this.ctx.storage.sql
      .exec<{ entry: string }>('SELECT entry FROM entries ORDER BY seq DESC LIMIT ?', limit)
      .toArray()
      .map((r) => JSON.parse(r.entry) as CapturedMessage);
  }

  async clear(): Promise<void> {
    this.ctx.storage.sql.exec('DELETE FROM entries');
  }
}

export function captureLog(env: Env) {
  return env.CAPTURE_LOG.get(env.CAPTURE_LOG.idFromName('captured'));
}

/**
 * Where capture mode puts what it records: collected while a batch of deliveries is worked and written
 * to the capture log in one call at the end, the way a batch of real calls costs one round trip each.
 */
export class CaptureSink {
  private readonly entries: CapturedMessage[] = [];
  constructor(readonly env: Env) {}

  add(entry: Omit<CapturedMessage, 'id' | 'at'>): void {
    this.entries.push({ id: crypto.randomUUID(), at: new Date().toISOString(), ...entry });
  }

  async flush(): Promise<void> {
    if (this.entries.length === 0) return;
    const batch = this.entries.splice(0);
    await captureLog(this.env).record(batch);
  }
}
