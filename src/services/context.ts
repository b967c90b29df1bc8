import type { Config } from '../config';
import type { Queryable } from '../db/client';

/** The workspace (site) work is done for. */
export interface WorkspaceRef {
  id: string;
  slug: string;
}

/**
 * What every business verb gets, whether called from a route, a queue consumer, a Durable Object or a
 * cron job. Every verb has one shape: `verb({ ctx, input })`.
 */
export interface ServiceContext {
  env: Env;
  /** The workspace's configuration: the deployment's, with what the workspace set for itself. */
  config: Config;
  workspace: WorkspaceRef;
  /** The request (or the queue message's request) this work belongs to, for logs and the audit trail. */
  requestId: string;
  /** Who is acting: `public` for the site, an API key's name, `webhook:<provider>`, or `system`. */
  actor: string;
  /**
   * Postgres, as this workspace: `fn` runs in a transaction that row-level security binds to the
   * workspace (committed when `fn` resolves). In a queue consumer it is the batch's own transaction.
   */
  inWorkspace<T>(fn: (db: Queryable) => Promise<T>): Promise<T>;
  waitUntil(promise: Promise<unknown>): void;
}
