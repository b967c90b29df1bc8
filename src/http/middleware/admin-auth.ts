import type { MiddlewareHandler } from 'hono';
import type { Config } from '../../config';
import { logger } from '../../logger';
import { ApiError } from '../errors';
import type { AppEnv } from '../types';

const encoder = new TextEncoder();

async function digest(value: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest('SHA-256', encoder.encode(value));
}

/** Compares two secrets in constant time (equal-length digests, so length leaks nothing either). */
export async function secretsEqual(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([digest(a), digest(b)]);
  return crypto.subtle.timingSafeEqual(da, db);
}

const hexToBytes = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));

/**
 * Who is calling, or null: the configured ADMIN_API_KEY ("admin"), or one of the named keys kept as
 * SHA-256 hashes in ADMIN_API_KEY_HASHES. Every comparison is constant-time and every entry is
 * compared, so timing says nothing about which key (or how much of one) matched.
 */
export async function adminActor(presented: string, config: Config): Promise<string | null> {
  const hash = await digest(presented);
  let actor: string | null = (await secretsEqual(presented, config.ADMIN_API_KEY)) ? 'admin' : null;
  for (const key of config.ADMIN_API_KEY_HASHES) {
    if (crypto.subtle.timingSafeEqual(hash, hexToBytes(key.hash)) && !actor) actor = key.name;
  }
  return actor;
}

/** `Authorization: Bearer <key>` for the sales team's and internal tools' endpoints. */
export function adminAuth(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    const actor = match ? await adminActor(match[1]!.trim(), c.var.config) : null;
    if (!actor) {
      logger.warn('admin.unauthorized', { request_id: c.var.requestId, path: c.req.path });
      throw new ApiError('unauthorized', { headers: { 'www-authenticate': 'Bearer realm="leadgate-admin"' } });
    }
    logger.info('admin.request', { request_id: c.var.requestId, actor, method: c.req.method, path: c.req.path });
    return next();
  };
}
