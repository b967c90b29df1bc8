import { unstorableReason } from '../domain/text';
import { type FieldError, ServiceError } from '../services/errors';

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;
/** Deeper than any form or CRM payload; deeper still is refused before anything walks it. */
export const MAX_JSON_DEPTH = 32;
/** Enough field errors to fix a form; a body with thousands of bad strings does not get thousands back. */
const MAX_FIELD_ERRORS = 20;

const tooLarge = (limit: number) => new ServiceError('payload_too_large', { detail: `The body must be at most ${limit} bytes.` });

/**
 * The body's bytes, counted while they stream in: a chunked upload of any size stops at `limit` + one
 * chunk, never buffered whole. A declared Content-Length over the limit is refused before reading.
 * Any Content-Encoding is refused: bodies are verified and parsed as sent.
 */
export async function readBodyLimited(request: Request, limit: number): Promise<Uint8Array> {
  const encoding = request.headers.get('content-encoding')?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    throw new ServiceError('unsupported_media_type', { detail: 'Send the body without a Content-Encoding.' });
  }
  if (Number(request.headers.get('content-length') ?? NaN) > limit) throw tooLarge(limit);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return bytes;
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * A JSON request body → its text, checked in this order: content type (415), UTF-8 (400), JSON syntax
 * (400), nesting depth (422) and characters Postgres cannot store (422). Returns '' for an empty body.
 */
export function checkJsonBody(bytes: Uint8Array, contentType: string | undefined): { text: string; value?: unknown } {
  if (bytes.byteLength === 0) return { text: '' };
  if (!JSON_TYPE.test(contentType ?? '')) throw new ServiceError('unsupported_media_type', { detail: 'Send the body as application/json.' });
  let text: string;
  try {
    text = fatalUtf8.decode(bytes);
  } catch {
    throw new ServiceError('invalid_encoding', { detail: 'The body is not valid UTF-8.' });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ServiceError('malformed_json', { detail: 'The body is not valid JSON.' });
  }
  const bad = inspectJson(parsed);
  if (bad === 'too_deep') {
    throw new ServiceError('validation_failed', {
      detail: `The body is nested more than ${MAX_JSON_DEPTH} levels deep.`,
      fieldErrors: [{ field: '', code: 'too_deep', message: `is nested more than ${MAX_JSON_DEPTH} levels deep` }],
    });
  }
  if (bad.length > 0) throw new ServiceError('validation_failed', { detail: bad.map((f) => `${f.field}: ${f.message}`).join('; '), fieldErrors: bad });
  return { text, value: parsed };
}

/**
 * Walks parsed JSON without recursion (so no input can exhaust the stack): refuses nesting deeper than
 * MAX_JSON_DEPTH and lists strings (keys included) that Postgres cannot store.
 */
export function inspectJson(root: unknown): FieldError[] | 'too_deep' {
  const found: FieldError[] = [];
  const stack: Array<{ value: unknown; path: string[] }> = [{ value: root, path: [] }];
  while (stack.length > 0 && found.length < MAX_FIELD_ERRORS) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      const reason = unstorableReason(value);
      if (reason) found.push({ field: path.join('.'), code: 'invalid_characters', message: 'contains characters that are not allowed' });
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= MAX_JSON_DEPTH) return 'too_deep';
    const entries: Array<[string, unknown]> = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
    for (const [key, child] of entries) {
      if (unstorableReason(key)) {
        found.push({ field: [...path, '(key)'].join('.'), code: 'invalid_characters', message: 'a field name contains characters that are not allowed' });
        continue;
      }
      stack.push({ value: child, path: [...path, key] });
    }
  }
  return found;
}
