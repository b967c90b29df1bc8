import { linkSignatureMatches, signLink } from '../crypto/hmac';

/**
 * Signed, expiring download links: signed over (asset slug, download id, expiry), so a link cannot be
 * moved to another asset, reused under another download id, or extended.
 */
export interface DownloadGrant {
  slug: string;
  downloadId: string;
  /** Unix time, seconds. */
  expiresAt: number;
  /** Signed into the links of every workspace but the default one (whose links are as they always were). */
  workspaceId?: string;
}

export type LinkCheck = { ok: true; grant: DownloadGrant } | { ok: false; reason: 'invalid' | 'expired' };

const fields = (g: DownloadGrant) => ['leadgate-download-v1', g.slug, g.downloadId, String(g.expiresAt), ...(g.workspaceId ? [g.workspaceId] : [])];

export function signDownload(secret: string, grant: DownloadGrant): Promise<string> {
  return signLink(secret, fields(grant));
}

/** The query string of a download link: `download`, `expires`, `signature`, and `ws` (the workspace's slug) outside the default one. */
export async function downloadQuery(secret: string, grant: DownloadGrant, workspaceSlug?: string): Promise<string> {
  const signature = await signDownload(secret, grant);
  return new URLSearchParams({
    download: grant.downloadId,
    expires: String(grant.expiresAt),
    signature,
    ...(grant.workspaceId && workspaceSlug ? { ws: workspaceSlug } : {}),
  }).toString();
}

/**
 * Checks a link's signature first and its expiry second: a changed expiry is a forgery (invalid), and
 * only a genuine link is ever told that it has expired.
 */
export async function verifyDownload(
  secret: string,
  link: { slug: string; downloadId?: string; expires?: string; signature?: string; workspaceId?: string },
  nowSeconds: number,
): Promise<LinkCheck> {
  const { slug, downloadId, expires, signature } = link;
  if (!downloadId || !expires || !signature || !/^\d{1,12}$/.test(expires)) return { ok: false, reason: 'invalid' };
  const grant: DownloadGrant = { slug, downloadId, expiresAt: Number(expires), workspaceId: link.workspaceId };
  if (!(await linkSignatureMatches(secret, fields(grant), signature))) return { ok: false, reason: 'invalid' };
  if (grant.expiresAt <= nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, grant };
}
