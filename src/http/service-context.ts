import type { Context } from 'hono';
import type { ServiceContext } from '../services/context';
import type { AppEnv } from './types';

/** The verbs' context for this request. */
export function serviceContext(c: Context<AppEnv>, as: { actor?: string } = {}): ServiceContext {
  const database = c.var.database;
  return {
    env: c.env,
    config: c.var.config,
    requestId: c.var.requestId,
    actor: as.actor ?? c.var.actor ?? 'public',
    get db() {
      return database.db;
    },
    waitUntil: (p) => c.executionCtx.waitUntil(p),
  };
}

/** The visitor's address as Cloudflare saw it (loopback in local dev). */
export function clientIp(c: Context<AppEnv>): string {
  return c.req.header('cf-connecting-ip') ?? '127.0.0.1';
}
