import { sql } from 'drizzle-orm';
import type { Database, Queryable, Transaction } from './client';

/**
 * Makes the transaction `tx` belong to a workspace: row-level security (migration 0008) then shows and
 * accepts only that workspace's rows, and inserts take its id by default. Set per transaction only
 * (`is_local = true`), never per session: a pooled connection goes on to serve someone else.
 */
export async function setWorkspace(tx: Queryable, workspaceId: string): Promise<void> {
  await tx.execute(sql`select set_config('app.workspace_id', ${workspaceId}, true)`);
}

/** Runs `fn` in a transaction of its own that belongs to `workspaceId`, committed when `fn` resolves. */
export function inWorkspace<T>(db: Database, workspaceId: string, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await setWorkspace(tx, workspaceId);
    return fn(tx);
  });
}
