const encoder = new TextEncoder();

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
 * nothing about how many bytes matched leaks through the response time.
 */
export async function hmacSha256Matches(key: Uint8Array, message: string, signature: Uint8Array): Promise<boolean> {
  const cryptoKey = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  return crypto.subtle.verify('HMAC', cryptoKey, signature, encoder.encode(message));
}

export function utf8(value: string): Uint8Array {
  return encoder.encode(value);
}

export async function sha256Hex(text: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A delivery id safe to store and index: the provider's own when short, else its hash. */
export async function boundedId(prefix: string, value: string): Promise<string> {
  return value.length <= 200 ? `${prefix}${value}` : `${prefix}sha256:${await sha256Hex(value)}`;
}

/** When the provider gives no delivery id, identical bytes are the same delivery (a retry). */
export async function bodyDeliveryId(rawBody: string): Promise<string> {
  return `body:${await sha256Hex(rawBody)}`;
}

export function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
