/**
 * Signed, expiring download links: HMAC-SHA256 over (asset slug, download id, expiry), so a link
 * cannot be moved to another asset, reused under another download id, or extended. Verification uses
 * crypto.subtle.verify, which compares in constant time.
 */

export interface DownloadGrant {
  slug: string;
  downloadId: string;
  /** Unix time, seconds. */
  expiresAt: number;
}

export type LinkCheck = { ok: true; grant: DownloadGrant } | { ok: false; reason: 'invalid' | 'expired' };

const encoder = new TextEncoder();

function signedContent(g: DownloadGrant): Uint8Array {
  // Newlines cannot occur in a slug, a UUID or an integer, so the fields cannot be shifted into each other.
  return encoder.encode(`leadgate-download-v1\n${g.slug}\n${g.downloadId}\n${g.expiresAt}`);
}

async function key(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

function toBase64Url(bytes: ArrayBuffer): string {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]{43}$/.test(text)) return null; // a SHA-256 MAC is 32 bytes = 43 base64url chars
  const bin = atob(text.replaceAll('-', '+').replaceAll('_', '/') + '=');
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

export async function signDownload(secret: string, grant: DownloadGrant): Promise<string> {
  return toBase64Url(await crypto.subtle.sign('HMAC', await key(secret), signedContent(grant)));
}

/** The query string of a download link: `download`, `expires`, `signature`. */
export async function downloadQuery(secret: string, grant: DownloadGrant): Promise<string> {
  const signature = await signDownload(secret, grant);
  return new URLSearchParams({ download: grant.downloadId, expires: String(grant.expiresAt), signature }).toString();
}

/**
 * Checks a link's signature first and its expiry second: a changed expiry is a forgery (invalid), and
 * only a genuine link is ever told that it has expired.
 */
export async function verifyDownload(
  secret: string,
  link: { slug: string; downloadId?: string; expires?: string; signature?: string },
  nowSeconds: number,
): Promise<LinkCheck> {
  const { slug, downloadId, expires, signature } = link;
  if (!downloadId || !expires || !signature || !/^\d{1,12}$/.test(expires)) return { ok: false, reason: 'invalid' };
  const mac = fromBase64Url(signature);
  if (!mac) return { ok: false, reason: 'invalid' };
  const grant: DownloadGrant = { slug, downloadId, expiresAt: Number(expires) };
  const genuine = await crypto.subtle.verify('HMAC', await key(secret), mac, signedContent(grant));
  if (!genuine) return { ok: false, reason: 'invalid' };
  if (grant.expiresAt <= nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, grant };
}
