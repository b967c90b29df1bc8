import { env } from 'cloudflare:workers';
import { and, eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { contentDownloads, deliveries, leadEvents, leads } from '../../src/db/schema';
import { downloadQuery } from '../../src/domain/signed-link';
import { TOKEN, turnstilePassesFor } from '../roi/siteverify';
import { call, database, eventually, postJson, uniqueEmail } from '../support/api';
import { server, siteverifyRequests } from '../support/msw';

const SLUG = 'state-of-b2b-sales-2026';
const ASSET_URL = 'https://cdn.example.com/whitepapers/state-of-b2b-sales-2026.pdf';
const SECRET = (env as unknown as { DOWNLOAD_LINK_SECRET: string }).DOWNLOAD_LINK_SECRET;

beforeEach(() => {
  server.use(turnstilePassesFor('content_download'));
});

const request = (email: string, extra: Record<string, unknown> = {}) =>
  postJson(`/api/v1/content/${SLUG}/download`, { email, name: 'Grace Hopper', company: 'Navy', turnstile_token: TOKEN, ...extra });

/** Follows a link the way a browser would, without following the redirect. */
const follow = (url: string) => call(new URL(url).pathname + new URL(url).search, { redirect: 'manual' });

async function leadByEmail(email: string) {
  const { db, close } = database();
  try {
    return (await db.select().from(leads).where(eq(leads.email, email)))[0];
  } finally {
    await close();
  }
}

describe('POST /api/v1/content/{slug}/download', () => {
  it('captures the lead, records the download, mails the link and notifies sales', async () => {
    const email = uniqueEmail('download');
    const res = await request(email, { consent: { marketing: false }, utm: { campaign: 'q4' } });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { id: string; download_url: string; expires_at: string };
    expect(body.download_url).toMatch(new RegExp(`^https://api\\.example\\.com/api/v1/content/${SLUG}/file\\?download=${body.id}&expires=\\d+&signature=`));
    const ttl = (Date.parse(body.expires_at) - Date.now()) / 1000;
    expect(ttl).toBeGreaterThan(7 * 24 * 3600 - 60);
    expect(ttl).toBeLessThanOrEqual(7 * 24 * 3600);

    const link = await follow(body.download_url);
    expect(link.status).toBe(302);
    expect(link.headers.get('location')).toBe(ASSET_URL);

    const { db, close } = database();
    try {
      const row = await eventually(async () => (await db.select().from(contentDownloads).where(eq(contentDownloads.id, body.id)))[0]);
      expect(row.assetSlug).toBe(SLUG);
      expect(row.linkExpiresAt!.toISOString()).toBe(body.expires_at);
      const [lead] = await db.select().from(leads).where(eq(leads.id, row.leadId));
      expect(lead).toMatchObject({ email, name: 'Grace Hopper', firstSource: 'whitepaper_download' });
      const [event] = await db.select().from(leadEvents).where(eq(leadEvents.id, body.id));
      expect(event).toMatchObject({ type: 'content_downloaded', source: 'whitepaper_download', leadId: lead!.id });
      expect(event!.payload).toMatchObject({ asset_slug: SLUG, asset_title: 'State of B2B Sales 2026' });

      const mails = await db
        .select()
        .from(deliveries)
        .where(and(eq(deliveries.eventId, body.id), eq(deliveries.destination, 'email')));
      const toRequester = mails.find((m) => m.key === 'download_link')!.payload as any;
      expect(toRequester.template).toBe('download_link');
      expect(toRequester.to).toEqual([{ email, name: 'Grace Hopper' }]);
      expect(toRequester.data).toMatchObject({ asset_title: 'State of B2B Sales 2026', download_url: body.download_url, expires_at: body.expires_at });
      const toSales = mails.find((m) => m.key === 'sales_notification')!.payload as any;
      expect(toSales.data.lead).toMatchObject({ id: lead!.id, email, source: 'whitepaper_download' });
      expect(toSales.data.submission).toEqual({ asset_slug: SLUG, asset_title: 'State of B2B Sales 2026' });
      expect(toSales.data.calculation).toBeUndefined();
      // Like every path that creates a lead, the download reaches the CRM (the lead, once).
      const crm = await db
        .select()
        .from(deliveries)
        .where(and(eq(deliveries.eventId, body.id), eq(deliveries.destination, 'crm')));
      expect(crm.map((d) => [d.key, (d.payload as any).kind, (d.payload as any).contact.email])).toEqual([['hubspot', 'contact', email]]);
      expect(res.headers.get('location')).toBe(`/api/v1/events/${body.id}`);
    } finally {
      await close();
    }
  });

  it('answers a retry with the same Idempotency-Key with the same link, recorded once', async () => {
    const email = uniqueEmail('download');
    const key = `dl-${crypto.randomUUID()}`;
    const a = await postJson(`/api/v1/content/${SLUG}/download`, { email, turnstile_token: TOKEN }, { 'idempotency-key': key });
    const b = await postJson(`/api/v1/content/${SLUG}/download`, { email, turnstile_token: 'another.token' }, { 'idempotency-key': key });
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(await b.json()).toEqual(await a.json());
  });

  it('an unknown slug is 404 problem+json, before any captcha call', async () => {
    const res = await postJson('/api/v1/content/no-such-paper/download', { email: uniqueEmail(), turnstile_token: TOKEN });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(siteverifyRequests).toHaveLength(0);
  });

  it('bad input is 422 problem+json and stores nothing', async () => {
    const email = uniqueEmail('bad-download');
    for (const body of [
      { email: 'not-an-email', turnstile_token: TOKEN },
      { email, turnstile_token: TOKEN, name: '<script>x</script>' },
      { email, turnstile_token: TOKEN, asset: 'other' },
      { email },
    ]) {
      const res = await postJson(`/api/v1/content/${SLUG}/download`, body);
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    expect(siteverifyRequests).toHaveLength(0);
    // A good request sent afterwards lands; the bad ones never created the lead before it.
    const marker = uniqueEmail('marker');
    await request(marker);
    await eventually(() => leadByEmail(marker));
    expect(await leadByEmail(email)).toBeUndefined();
  });

  it('a Turnstile token from another form is refused (403), nothing stored', async () => {
    server.use(turnstilePassesFor('lead'));
    const email = uniqueEmail('wrong-action');
    const res = await request(email);
    expect(res.status).toBe(403);
    server.use(turnstilePassesFor('content_download'));
    const marker = uniqueEmail('marker');
    await request(marker);
    await eventually(() => leadByEmail(marker));
    expect(await leadByEmail(email)).toBeUndefined();
  });

  it('a filled honeypot gets a link that does not work, and nothing is stored', async () => {
    const email = uniqueEmail('bot');
    const res = await request(email, { website: 'https://spam.example' });
    expect(res.status).toBe(202);
    const body = (await res.json()) as any;
    expect((await follow(body.download_url)).status).toBe(403);
    const marker = uniqueEmail('marker');
    await request(marker);
    await eventually(() => leadByEmail(marker));
    expect(await leadByEmail(email)).toBeUndefined();
  });
});

describe('GET /api/v1/content/{slug}/file', () => {
  const id = '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f';
  const fileUrl = async (expiresAt: number, slug = SLUG) =>
    `https://api.example.com/api/v1/content/${slug}/file?${await downloadQuery(SECRET, { slug, downloadId: id, expiresAt })}`;
  const later = () => Math.floor(Date.now() / 1000) + 3600;

  it('refuses a tampered link with 403 problem+json', async () => {
    const url = new URL(await fileUrl(later()));
    const tampered: string[] = [];
    const sig = url.searchParams.get('signature')!;
    const withParam = (k: string, v: string | null) => {
      const u = new URL(url);
      if (v === null) u.searchParams.delete(k);
      else u.searchParams.set(k, v);
      return u.toString();
    };
    tampered.push(withParam('signature', (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1)));
    tampered.push(withParam('expires', String(later() + 86_400 * 365)));
    tampered.push(withParam('download', '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e10'));
    tampered.push(withParam('signature', null));
    tampered.push(url.toString().replace(`/content/${SLUG}/`, '/content/another-paper/'));
    for (const link of tampered) {
      const res = await follow(link);
      expect(res.status, link).toBe(403);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.headers.get('location')).toBeNull();
    }
  });

  it('refuses an expired link with 410 problem+json', async () => {
    const res = await follow(await fileUrl(Math.floor(Date.now() / 1000) - 1));
    expect(res.status).toBe(410);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 410, code: 'link_expired' });
    expect(res.headers.get('location')).toBeNull();
  });

  it('a genuine link to an asset no longer offered is 404', async () => {
    const res = await follow(await fileUrl(later(), 'retired-paper'));
    expect(res.status).toBe(404);
  });
});
