import type { Config } from '../config';
import type { Queryable } from '../db/client';

/**
 * What every business verb gets, whether called from a route, a queue consumer, a Durable Object or a
 * cron job. Every verb has one shape: `verb({ ctx, input })`.
 */
export interface ServiceContext {
  env: Env;
  config: Config;
  /** The request (or the queue message's request) this work belongs to, for logs and the audit trail. */
  requestId: string;
  /** Who is acting: `public` for the site, an API key's name, `webhook:<provider>`, or `system`. */
  actor: string;
  /** Postgres: opened on first use for a request; the batch's transaction in a queue consumer. */
  readonly db: Queryable;
  waitUntil(promise: Promise<unknown>): void;
}
