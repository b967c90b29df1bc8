import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors';
import type { AppEnv } from '../types';

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

/**
 * Guards every request body before a route sees it: size (413), content type (415) and JSON syntax
 * (400). The raw text stays cached on the request, so webhook routes can still verify signatures on
 * the exact bytes received.
 */
export function jsonBody(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next();
    // CRMs batch up to 100 events in one webhook call; forms never need more than a few KiB.
    const limit = c.req.path.startsWith('/api/v1/webhooks/') ? c.var.config.WEBHOOK_MAX_BODY_BYTES : c.var.config.MAX_BODY_BYTES;
    const declared = Number(c.req.header('content-length') ?? NaN);
    if (declared > limit) throw new ApiError('payload_too_large', { detail: `The body must be at most ${limit} bytes.` });

    const text = await c.req.text();
    if (new TextEncoder().encode(text).byteLength > limit) {
      throw new ApiError('payload_too_large', { detail: `The body must be at most ${limit} bytes.` });
    }
    if (text.length === 0) return next();
    if (!JSON_TYPE.test(c.req.header('content-type') ?? '')) {
      throw new ApiError('unsupported_media_type', { detail: 'Send the body as application/json.' });
    }
    try {
      JSON.parse(text);
    } catch {
      throw new ApiError('malformed_json', { detail: 'The body is not valid JSON.' });
    }
    return next();
  };
}
