import type { MiddlewareHandler } from 'hono';
import { unstorableReason } from '../../domain/text';
import { type FieldError, ServiceError } from '../../services/errors';
import { checkJsonBody, readBodyLimited } from '../request-body';
import type { AppEnv } from '../types';

const READS_NO_BODY = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Query and path parameters follow the same "storable text" rule as bodies: a NUL byte (or anything
 * Postgres cannot hold) is the caller's mistake, answered 422 naming the parameter.
 */
export function urlGuard(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const bad: FieldError[] = [];
    const query = c.req.url.includes('?') ? new URL(c.req.url).searchParams : [];
    for (const [name, value] of query) {
      if (unstorableReason(name) || unstorableReason(value))
        bad.push({ field: unstorableReason(name) ? '(query)' : name, code: 'invalid_characters', message: 'contains characters that are not allowed' });
    }
    for (const [name, value] of Object.entries(c.req.param() as Record<string, string>)) {
      if (unstorableReason(value)) bad.push({ field: name, code: 'invalid_characters', message: 'contains characters that are not allowed' });
    }
    if (bad.length > 0)
      throw new ServiceError('validation_failed', { detail: bad.map((f) => `${f.field}: ${f.message}`).join('; '), fieldErrors: bad.slice(0, 20) });
    return next();
  };
}

/**
 * A JSON body, read at most MAX_BODY_BYTES while streaming, then checked (see checkJsonBody) and left
 * in Hono's body cache for the route's zod validator. Runs after authentication: nothing reads the
 * body of a caller who may not call the endpoint.
 */
export function jsonBodyGuard(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (READS_NO_BODY.has(c.req.method)) return next();
    const bytes = await readBodyLimited(c.req.raw, c.var.config.core.maxBodyBytes);
    const { text, value } = checkJsonBody(bytes, c.req.header('content-type'));
    // Hono keeps the promise of each body form it has read (its type says the value)...
    (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(text);
    // ...and its validator would parse the text again: hand it the value parsed here.
    if (value !== undefined) c.req.json = <T>() => Promise.resolve(value as T);
    return next();
  };
}

/**
 * A webhook's body: only its size is checked here. It must be verified byte for byte before anything
 * decodes or parses it, so it is left in the cache as the bytes that arrived.
 */
export function rawBodyGuard(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const bytes = await readBodyLimited(c.req.raw, c.var.config.core.webhookMaxBodyBytes);
    (c.req.bodyCache as Record<string, unknown>).arrayBuffer = Promise.resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    return next();
  };
}
