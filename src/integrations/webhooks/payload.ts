import { decodeBody } from './verify/crypto';

/** Deeper than any CRM payload; deeper still is refused rather than walked. */
const MAX_DEPTH = 64;

export type ParsedBody =
  | { ok: true; payload: unknown; replaced: number }
  | { ok: false; reason: 'malformed_json' | 'too_deep' };

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
  const counter = { replaced: 0 };
  const payload = storable(parsed, 0, counter);
  return payload === TOO_DEEP ? { ok: false, reason: 'too_deep' } : { ok: true, payload, replaced: counter.replaced };
}

const TOO_DEEP = Symbol('too deep');

function storable(value: unknown, depth: number, counter: { replaced: number }): unknown {
  if (typeof value === 'string') return storableString(value, counter);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return TOO_DEEP;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) {
      const s = storable(v, depth + 1, counter);
      if (s === TOO_DEEP) return TOO_DEEP;
      out.push(s);
    }
    return out;
  }
  const entries: Array<[string, unknown]> = [];
  for (const [k, v] of Object.entries(value)) {
    const s = storable(v, depth + 1, counter);
    if (s === TOO_DEEP) return TOO_DEEP;
    entries.push([storableString(k, counter), s]);
  }
  // fromEntries defines own properties: a "__proto__" key stays a key.
  return Object.fromEntries(entries);
}

function storableString(value: string, counter: { replaced: number }): string {
  if (!value.includes('\u0000') && value.isWellFormed()) return value;
  counter.replaced++;
  return value.toWellFormed().replaceAll('\u0000', '\uFFFD');
}
