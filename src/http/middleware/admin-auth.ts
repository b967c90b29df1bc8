import type { MiddlewareHandler } from 'hono';
import type { Config } from '../../config';
import { sha256 } from '../../crypto/digest';
import { hexToBytes } from '../../crypto/encoding';
import { secretsEqual } from '../../crypto/hmac';
import { logger } from '../../logger';
import { ServiceError } from '../../services/errors';
import type { AppEnv } from '../types';

/**
 * Who is calling, or null: the configured ADMIN_API_KEY ("admin"), or one of the named keys kept as
 * SHA-256 hashes in ADMIN_API_KEY_HASHES. Every comparison is constant-time and every entry is
 * compared, so timing says nothing about which key (or how much of one) matched.
 */
export async function adminActor(presented: string, admin: Config['admin']): Promise<string | null> {
  const hash = await sha256(presented);
  let actor: string | null = admin.bootstrapKey && (await secretsEqual(presented, admin.bootstrapKey)) ? 'admin' : null;
  for (const key of admin.namedKeyHashes) {
    if (crypto.subtle.timingSafeEqual(hash, hexToBytes(key.hash)) && !actor) actor = key.name;
  }
  return actor;
}

/** `Authorization: Bearer <key>` for the sales team's and internal tools' endpoints. */
export function adminAuth(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    const actor = match ? await adminActor(match[1]!.trim(), c.var.config.admin) : null;
    if (!actor) {
      logger.warn('admin.unauthorized', { request_id: c.var.requestId, path: c.req.path });
      throw new ServiceError('unauthorized', { detail: 'Send an API key as Authorization: Bearer <key>.' });
    }
    c.set('actor', actor);
    logger.info('admin.request', { request_id: c.var.requestId, actor, method: c.req.method, path: c.req.path });
    return next();
  };
}
