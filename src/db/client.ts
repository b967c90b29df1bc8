import { neonConfig, Pool } from '@neondatabase/serverless';
import { drizzle, type NeonDatabase } from 'drizzle-orm/neon-serverless';
import type { Config } from '../config';
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

/**
 * Opens a Pool for one request or one queue batch. Workers cannot share sockets across requests, so the
 * Pool's life is the unit of work's; `close()` belongs in `ctx.waitUntil`.
 */
export function openDatabase(config: Config): { db: Database; close: () => Promise<void> } {
  if (config.NEON_WS_PROXY) useLocalBridge(config.NEON_WS_PROXY);
  const pool = new Pool({ connectionString: config.DATABASE_URL, max: 4, connectionTimeoutMillis: 10_000 });
  // Without a listener, a connection dropped while idle (or at close) becomes an unhandled error.
  pool.on('error', (err: unknown) => logger.warn('db.pool_error', { error: describeError(err) }));
  return {
    db: drizzle({ client: pool, schema }),
    close: () => pool.end().catch(() => undefined),
  };
}
