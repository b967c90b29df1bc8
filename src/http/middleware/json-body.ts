import type { MiddlewareHandler } from 'hono';
import { ApiError, type FieldError } from '../errors';
import type { AppEnv } from '../types';

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

/**
 * Strings Postgres cannot store (jsonb refuses NUL and unpaired surrogates). Caught here, for every
 * endpoint, so that nothing is ever accepted with a 2xx and then fails in the queue consumer.
 */
function unstorableStrings(value: unknown, path: string[] = [], found: FieldError[] = []): FieldError[] {
  if (typeof value === 'string') {
    if (value.includes('\u0000') || !value.isWellFormed()) found.push({ field: path.join('.'), code: 'invalid_characters', message: 'contains characters that are not allowed' });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => unstorableStrings(v, [...path, String(i)], found));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) unstorableStrings(v, [...path, k], found);
  }
  return found;
}

/**
 * Guards every request body before a route sees it: size (413), content type (415), JSON syntax (400)
 * and unstorable characters (422). Webhook routes only get the size check: they must verify the
 * provider's signature over the exact bytes before anything parses them, so their body is read (and
 * cached by Hono) as raw bytes.
 */
export function jsonBody(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next();
    const webhook = c.req.path.startsWith('/api/v1/webhooks/');
    // CRMs batch up to 100 events in one webhook call; forms never need more than a few KiB.
    const limit = webhook ? c.var.config.WEBHOOK_MAX_BODY_BYTES : c.var.config.MAX_BODY_BYTES;
    const tooLarge = () => new ApiError('payload_too_large', { detail: `The body must be at most ${limit} bytes.` });
    if (Number(c.req.header('content-length') ?? NaN) > limit) throw tooLarge();

    if (webhook) {
      if ((await c.req.arrayBuffer()).byteLength > limit) throw tooLarge();
      return next();
    }
    const text = await c.req.text();
    // A UTF-16 code unit is at most 3 UTF-8 bytes: only count bytes when it could matter.
    if (text.length * 3 > limit && new TextEncoder().encode(text).byteLength > limit) throw tooLarge();
    if (text.length === 0) return next();
    if (!JSON_TYPE.test(c.req.header('content-type') ?? '')) {
      throw new ApiError('unsupported_media_type', { detail: 'Send the body as application/json.' });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ApiError('malformed_json', { detail: 'The body is not valid JSON.' });
    }
    const bad = unstorableStrings(parsed);
    if (bad.length > 0) {
      throw new ApiError('validation_failed', { detail: bad.map((f) => `${f.field}: ${f.message}`).join('; '), fieldErrors: bad });
    }
    return next();
  };
}
