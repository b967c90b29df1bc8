import { base64ToBytes, bytesToBase64, utf8 } from './encoding';

/** A value sealed with AES-256-GCM: what Postgres keeps instead of a workspace's provider secrets. */
export interface Sealed {
  v: 1;
  iv: string;
  data: string;
}

const keys = new Map<string, Promise<CryptoKey>>();

/** The key from configuration (base64 of 32 random bytes), imported once per isolate. */
function importKey(keyBase64: string): Promise<CryptoKey> {
  let key = keys.get(keyBase64);
  if (!key) {
    const raw = base64ToBytes(keyBase64);
    if (raw?.byteLength !== 32) throw new Error('the sealing key must be 32 bytes, base64');
    key = crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
    keys.set(keyBase64, key);
  }
  return key;
}

/**
 * Seals `value` (JSON) with a fresh 96-bit nonce. `context` (the workspace id) is authenticated with it,
 * so a sealed value copied into another workspace's row does not open there.
 */
export async function seal(keyBase64: string, context: string, value: unknown): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: utf8(context) }, await importKey(keyBase64), utf8(JSON.stringify(value)));
  return { v: 1, iv: bytesToBase64(iv), data: bytesToBase64(new Uint8Array(data)) };
}

/** Opens what `seal` made with the same key and context; throws if either differs or the bytes were changed. */
export async function unseal(keyBase64: string, context: string, sealed: Sealed): Promise<unknown> {
  const iv = base64ToBytes(sealed.iv);
  const data = base64ToBytes(sealed.data);
  if (!iv || !data) throw new Error('not a sealed value');
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: utf8(context) }, await importKey(keyBase64), data);
  return JSON.parse(new TextDecoder().decode(plain));
}
