import type { Context } from 'hono';
import { openDatabase, type Database } from '../db/client';
import type { AppEnv } from './types';

/** Runs `fn` with a database handle that lives for this request only. */
export async function withDatabase<T>(c: Context<AppEnv>, fn: (db: Database) => Promise<T>): Promise<T> {
  const { db, close } = openDatabase(c.var.config);
  try {
    return await fn(db);
  } finally {
    c.executionCtx.waitUntil(close());
  }
}
