import { storableJson } from '../../domain/text';
import { decodeBody } from './verify/body';

/** Deeper than any CRM payload; deeper still is refused rather than walked. */
const MAX_DEPTH = 64;

export type ParsedBody = { ok: true; payload: unknown; replaced: number } | { ok: false; reason: 'malformed_json' | 'too_deep' };

/**
 * A verified body → the payload to store. Decoded only now, after its bytes were verified: a leading
 * BOM is dropped and bytes that are not UTF-8 become U+FFFD (they cannot be stored as sent anyway).
 * Postgres jsonb also refuses `\u0000` and unpaired surrogates, which valid JSON may contain: each is
 * replaced by U+FFFD, in keys and values, so the delivery is still recorded (and a status such as
 * "cust\u0000omer" maps to nothing rather than to "customer"). An empty body is null.
 */
export function parseVerifiedBody(raw: Uint8Array): ParsedBody {
  if (raw.byteLength === 0) return { ok: true, payload: null, replaced: 0 };
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeBody(raw));
  } catch {
    return { ok: false, reason: 'malformed_json' };
  }
  const copy = storableJson(parsed, MAX_DEPTH);
  return copy === 'too_deep' ? { ok: false, reason: 'too_deep' } : { ok: true, payload: copy.value, replaced: copy.replaced };
}
