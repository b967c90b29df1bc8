import type { Context } from 'hono';
import type { ServiceContext } from '../services/context';
import type { AppEnv } from './types';

export function serviceContext(c: Context<AppEnv>): ServiceContext {
  return {
    env: c.env,
    config: c.var.config,
    requestId: c.var.requestId,
    waitUntil: (p) => c.executionCtx.waitUntil(p),
  };
}

/** The visitor's address as Cloudflare saw it (loopback in local dev). */
export function clientIp(c: Context<AppEnv>): string {
  return c.req.header('cf-connecting-ip') ?? '127.0.0.1';
}
