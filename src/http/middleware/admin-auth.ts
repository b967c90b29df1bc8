import type { MiddlewareHandler } from 'hono';
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

/** `Authorization: Bearer <ADMIN_API_KEY>` for the sales team's and internal tools' endpoints. */
export function adminAuth(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match || !(await secretsEqual(match[1]!.trim(), c.var.config.ADMIN_API_KEY))) {
      throw new ApiError('unauthorized', { headers: { 'www-authenticate': 'Bearer realm="leadgate-admin"' } });
    }
    return next();
  };
}
