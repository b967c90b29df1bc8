const encoder = new TextEncoder();
/** UTF-8 as the Fetch spec decodes it: a leading BOM dropped, invalid bytes become U+FFFD. */
const decoder = new TextDecoder('utf-8');

/** Standard base64 → bytes; null when it is not base64 at all. */
export function base64ToBytes(value: string): Uint8Array | null {
  try {
    const binary = atob(value.trim());
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

/**
 * Checks an HMAC-SHA256 signature with `crypto.subtle.verify`, which compares in constant time:
 * nothing about how many bytes matched leaks through the response time. The message is bytes: what
 * was signed is the body exactly as it arrived, never a decoded-and-re-encoded copy of it.
 */
export async function hmacSha256Matches(key: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  const cryptoKey = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  return crypto.subtle.verify('HMAC', cryptoKey, signature, message);
}

export function utf8(value: string): Uint8Array {
  return encoder.encode(value);
}

/** Text parts as UTF-8 and byte parts as they are, one after the other (a signed message). */
export function concatBytes(...parts: Array<string | Uint8Array>): Uint8Array {
  const chunks = parts.map((p) => (typeof p === 'string' ? encoder.encode(p) : p));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** The body as text — only ever after it was verified as bytes. */
export function decodeBody(raw: Uint8Array): string {
  return decoder.decode(raw);
}

export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', typeof data === 'string' ? encoder.encode(data) : data));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A delivery id safe to store and index: the provider's own when short and storable, else its hash
 * (Postgres text refuses NUL; an unpaired surrogate would not survive UTF-8).
 */
export async function boundedId(prefix: string, value: string): Promise<string> {
  const storable = value.length <= 200 && !value.includes('\u0000') && value.isWellFormed();
  return storable ? `${prefix}${value}` : `${prefix}sha256:${await sha256Hex(value.toWellFormed())}`;
}

/** When the provider gives no delivery id, identical bytes are the same delivery (a retry). */
export async function bodyDeliveryId(rawBody: Uint8Array): Promise<string> {
  return `body:${await sha256Hex(rawBody)}`;
}

export function parseJson(raw: string | Uint8Array): unknown {
  try {
    return JSON.parse(typeof raw === 'string' ? raw : decodeBody(raw));
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
