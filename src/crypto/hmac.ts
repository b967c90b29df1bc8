import { sha256 } from './digest';
import { base64UrlToBytes, bytesToBase64Url, utf8 } from './encoding';

type Key = string | Uint8Array;
/** SHA-256 for everything Leadgate signs; SHA-1 only where a provider still signs with it (Twilio). */
export type HmacHash = 'SHA-256' | 'SHA-1';

function importKey(key: Key, usage: 'sign' | 'verify', hash: HmacHash): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', typeof key === 'string' ? utf8(key) : key, { name: 'HMAC', hash }, false, [usage]);
}

export async function hmac(key: Key, message: string | Uint8Array, hash: HmacHash): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign('HMAC', await importKey(key, 'sign', hash), typeof message === 'string' ? utf8(message) : message));
}

/**
 * Checks an HMAC with `crypto.subtle.verify`, which compares in constant time: nothing about how many
 * bytes matched leaks through the response time. The message is bytes as they were signed.
 */
export async function hmacMatches(key: Key, message: string | Uint8Array, mac: Uint8Array, hash: HmacHash): Promise<boolean> {
  return crypto.subtle.verify('HMAC', await importKey(key, 'verify', hash), mac, typeof message === 'string' ? utf8(message) : message);
}

export const hmacSha256 = (key: Key, message: string | Uint8Array): Promise<Uint8Array> => hmac(key, message, 'SHA-256');
export const hmacSha256Matches = (key: Key, message: string | Uint8Array, mac: Uint8Array): Promise<boolean> => hmacMatches(key, message, mac, 'SHA-256');

/** Compares two secrets in constant time (equal-length digests, so the length leaks nothing either). */
export async function secretsEqual(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([sha256(a), sha256(b)]);
  return crypto.subtle.timingSafeEqual(da, db);
}

/**
 * The signature of a link Leadgate hands out (a download link, a demo's cancel link), base64url:
 * HMAC-SHA256 over the fields joined by newlines. Newlines cannot occur in the ids, slugs, numbers and
 * base64url signed, so fields cannot be shifted into each other; a link kind that names its purpose in
 * its first field cannot be passed off as another kind.
 */
export async function signLink(secret: string, fields: string[]): Promise<string> {
  return bytesToBase64Url(await hmacSha256(secret, fields.join('\n')));
}

export async function linkSignatureMatches(secret: string, fields: string[], signature: string): Promise<boolean> {
  const mac = base64UrlToBytes(signature);
  if (mac?.byteLength !== 32) return false;
  return hmacSha256Matches(secret, fields.join('\n'), mac);
}
