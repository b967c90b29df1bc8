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

  async record(entry: CapturedMessage): Promise<void> {
    const sql = this.ctx.storage.sql;
    const { seq } = sql.exec<{ seq: number }>('INSERT INTO entries (entry) VALUES (?) RETURNING seq', JSON.stringify(entry)).one();
    if (seq % 50 === 0) sql.exec('DELETE FROM entries WHERE seq <= ?', seq - 500);
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
