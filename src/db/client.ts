import { neonConfig, Pool } from '@neondatabase/serverless';
import { drizzle, type NeonDatabase } from 'drizzle-orm/neon-serverless';
import type { CoreConfig } from '../config';
import { describeError, logger } from '../logger';
import * as schema from './schema';

export type Database = NeonDatabase<typeof schema>;
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
/** A database handle or a transaction: verbs accept either. */
export type Queryable = Database | Transaction;

let localProxy: string | undefined;

function useLocalBridge(proxy: string) {
  if (localProxy === proxy) return;
  // Local dev and tests: plain WebSocket to the bridge in scripts/local/ws-bridge.mjs. Pipelined connect
  // fails against SCRAM auth, so it is off here (Neon's proxy supports it in production).
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineConnect = false;
  neonConfig.wsProxy = (host, port) => `${proxy}/v1?address=${host}:${port}`;
  localProxy = proxy;
}

export interface DatabaseHandle {
  db: Database;
  close: () => Promise<void>;
}

/**
 * Opens a Pool for one request or one queue batch. Workers cannot share sockets across requests, so the
 * Pool's life is the unit of work's; `close()` belongs in `ctx.waitUntil`.
 */
export function openDatabase(core: Pick<CoreConfig, 'databaseUrl' | 'neonWsProxy'>): DatabaseHandle {
  if (core.neonWsProxy) useLocalBridge(core.neonWsProxy);
  const pool = new Pool({ connectionString: core.databaseUrl, max: 4, connectionTimeoutMillis: 10_000 });
  // Without a listener, a connection dropped while idle (or at close) becomes an unhandled error.
  pool.on('error', (err: unknown) => logger.warn('db.pool_error', { error: describeError(err) }));
  return {
    db: drizzle({ client: pool, schema }),
    close: () => pool.end().catch(() => undefined),
  };
}

/** A handle opened on first use: a request that never touches Postgres never opens a connection. */
export function lazyDatabase(core: Pick<CoreConfig, 'databaseUrl' | 'neonWsProxy'>): { readonly db: Database; close: () => Promise<void> } {
  let handle: DatabaseHandle | undefined;
  return {
    get db() {
      handle ??= openDatabase(core);
      return handle.db;
    },
    close: () => handle?.close() ?? Promise.resolve(),
  };
}

const sqlState = (err: unknown): string | undefined => {
  const e = err as { cause?: { code?: unknown }; code?: unknown } | undefined;
  const code = e?.cause?.code ?? e?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
};

/**
 * Whether trying the same work again later can succeed: the database was unreachable, the connection
 * dropped, or Postgres was shutting down, overloaded or asked for a retry (SQLSTATE classes 08, 40, 53,
 * 55, 57, 58). A value Postgres refuses (class 22), a broken constraint (23) or a bug in our code will
 * fail the same way every time: those are not transient.
 */
export function isTransientDatabaseError(err: unknown): boolean {
  const code = sqlState(err);
  if (code) return /^(08|40|53|55|57|58)/.test(code);
  if (err instanceof RangeError || err instanceof ReferenceError || err instanceof SyntaxError) return false;
  if (err instanceof TypeError) return /network|fetch|socket|connect|closed/i.test(err.message);
  // No SQLSTATE and not a programming error: a dropped WebSocket, a timeout, an ErrorEvent.
  return true;
}
