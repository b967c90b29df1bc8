import { describe, expect, it } from 'vitest';
import { downloadQuery, signDownload, verifyDownload } from '../../src/domain/signed-link';

const SECRET = 'unit-test-secret-0123456789abcdef0123';
const grant = { slug: 'state-of-b2b-sales-2026', downloadId: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f', expiresAt: 2_000_000_000 };
const NOW = 1_900_000_000;

async function linkOf(g = grant) {
  const q = new URLSearchParams(await downloadQuery(SECRET, g));
  return { slug: g.slug, downloadId: q.get('download')!, expires: q.get('expires')!, signature: q.get('signature')! };
}

describe('signed download links', () => {
  it('accepts its own link before the expiry', async () => {
    expect(await verifyDownload(SECRET, await linkOf(), NOW)).toEqual({ ok: true, grant });
  });

  it('refuses a link moved to another asset, another download id or a later expiry', async () => {
    const link = await linkOf();
    expect(await verifyDownload(SECRET, { ...link, slug: 'pricing-guide' }, NOW)).toEqual({ ok: false, reason: 'invalid' });
    expect(await verifyDownload(SECRET, { ...link, downloadId: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e10' }, NOW)).toEqual({ ok: false, reason: 'invalid' });
    expect(await verifyDownload(SECRET, { ...link, expires: String(grant.expiresAt + 3600) }, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a signature made with another key, altered, truncated or missing', async () => {
    const link = await linkOf();
    const flipped = (link.signature[0] === 'A' ? 'B' : 'A') + link.signature.slice(1);
    expect((await verifyDownload(SECRET, { ...link, signature: await signDownload('another-secret-0123456789abcdef0123', grant) }, NOW)).ok).toBe(false);
    expect(await verifyDownload(SECRET, { ...link, signature: flipped }, NOW)).toEqual({ ok: false, reason: 'invalid' });
    expect(await verifyDownload(SECRET, { ...link, signature: link.signature.slice(0, -1) }, NOW)).toEqual({ ok: false, reason: 'invalid' });
    expect(await verifyDownload(SECRET, { ...link, signature: undefined }, NOW)).toEqual({ ok: false, reason: 'invalid' });
    expect(await verifyDownload(SECRET, { ...link, expires: '1e10' }, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('says "expired" only for a genuine link past its expiry', async () => {
    const link = await linkOf();
    expect(await verifyDownload(SECRET, link, grant.expiresAt)).toEqual({ ok: false, reason: 'expired' });
    expect(await verifyDownload(SECRET, link, grant.expiresAt - 1)).toMatchObject({ ok: true });
  });
});
