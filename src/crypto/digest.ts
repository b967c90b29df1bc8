import { bytesToHex, utf8 } from './encoding';

export async function sha256(data: string | Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', typeof data === 'string' ? utf8(data) : data));
}

/** SHA-256 as lower-case hex: fingerprints, stored key hashes, ids derived from content. */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  return bytesToHex(await sha256(data));
}
