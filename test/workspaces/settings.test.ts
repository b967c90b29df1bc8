import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { workspaces } from '../../src/db/schema';
import { turnstilePassesFor } from '../roi/siteverify';
import { call, database, postJson, uniqueEmail } from '../support/api';
import { TEST_HOST } from '../support/host-week';
import { server } from '../support/msw';
import { asKey, configure, createWorkspace, keyWith, type TestWorkspace } from '../support/workspaces';

let ws: TestWorkspace;
beforeAll(async () => {
  ws = await createWorkspace('settings');
});

async function storedRow(id: string) {
  const { db, close } = database();
  try {
    return (await db.select().from(workspaces).where(eq(workspaces.id, id)))[0]!;
  } finally {
    await close();
  }
}

const host = { ...TEST_HOST, id: 'ola', name: 'Ola Nowak', email: 'ola@brand-b.test', time_zone: 'Europe/Warsaw' };

describe('per-workspace settings', () => {
  it('merges a change, checks it as the feature would, and refuses a broken value with field errors, storing nothing', async () => {
    const ok = await asKey(ws.adminKey, '/api/v1/settings', 'PATCH', { cors_origins: ['https://www.brand-b.test'], demo_hosts: [host] });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { settings: Record<string, unknown>; workspace: { slug: string } };
    expect(body.workspace.slug).toBe(ws.slug);
    expect(body.settings).toMatchObject({ cors_origins: ['https://www.brand-b.test'], demo_hosts: [host] });

    const before = await storedRow(ws.id);
    for (const [patch, field] of [
      [{ demo_hosts: [{ ...host, time_zone: 'Mars/Olympus' }] }, 'demo_hosts'],
      [{ crm_providers: ['salesforce'] }, 'crm_providers'],
      [{ lead_limit_per_email: 0 }, 'lead_limit_per_email'],
      [{ lead_limit_per_email: 'five' }, 'lead_limit_per_email'],
      [{ hubspot_access_token: 'pat-x' }, 'hubspot_access_token'],
      [{ no_such_setting: true }, 'no_such_setting'],
    ] as const) {
      const res = await asKey(ws.adminKey, '/api/v1/settings', 'PATCH', patch);
      expect(res.status, JSON.stringify(patch)).toBe(422);
      expect(((await res.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toContain(field);
    }
    expect((await storedRow(ws.id)).settings).toEqual(before.settings);

    // null takes a setting back out; others keep theirs.
    const cleared = (await (await asKey(ws.adminKey, '/api/v1/settings', 'PATCH', { demo_hosts: null })).json()) as { settings: Record<string, unknown> };
    expect(cleared.settings).toEqual({ cors_origins: ['https://www.brand-b.test'] });
  });

  it('keeps secrets sealed: never returned, not readable in Postgres, only their names listed', async () => {
    const secret = `pat-${crypto.randomUUID()}`;
    const put = await asKey(ws.adminKey, '/api/v1/settings/secrets/hubspot_access_token', 'PUT', { value: secret });
    expect(put.status).toBe(200);
    const text = await put.text();
    expect(text).not.toContain(secret);
    expect(JSON.parse(text)).toMatchObject({ secrets_set: ['hubspot_access_token'] });
    expect(await (await asKey(ws.adminKey, '/api/v1/settings')).text()).not.toContain(secret);
    const row = await storedRow(ws.id);
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(row.secrets).toMatchObject({ v: 1, iv: expect.any(String), data: expect.any(String) });

    const bad = await asKey(ws.adminKey, '/api/v1/settings/secrets/standard_webhook_secrets', 'PUT', { value: ['not-a-whsec'] });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ errors: [{ field: 'value' }] });
    const removed = (await (await asKey(ws.adminKey, '/api/v1/settings/secrets/hubspot_access_token', 'DELETE')).json()) as { secrets_set: string[] };
    expect(removed.secrets_set).toEqual([]);
  });

  it('a sealed secret copied into another workspace does not open there', async () => {
    const other = await createWorkspace('copy');
    await configure(ws, {}, { hubspot_client_secret: 'sealed-for-ws' });
    const { db, close } = database();
    try {
      const [row] = await db.select({ secrets: workspaces.secrets }).from(workspaces).where(eq(workspaces.id, ws.id));
      await db.update(workspaces).set({ secrets: row!.secrets }).where(eq(workspaces.id, other.id));
    } finally {
      await close();
    }
    // The copy fails to open (its id is authenticated with it): other's settings cannot be read, and its site refuses to pretend.
    const res = await asKey(other.adminKey, '/api/v1/settings');
    expect(res.status).toBe(503);
    expect(await res.text()).not.toContain('sealed-for-ws');
  });

  it('serves the settings a site stored: its demo hosts and assets, not the default site', async () => {
    await configure(ws, {
      turnstile_hostnames: ['www.example.com'],
      demo_hosts: [host],
      content_assets: { 'brand-b-guide': { title: 'Brand B guide', url: 'https://cdn.brand-b.test/guide.pdf' } },
    });
    const slots = await call(`/api/v1/demo/availability?site_key=${ws.siteKey}&host=ola`);
    expect(slots.status).toBe(200);
    expect(((await slots.json()) as { slots: unknown[] }).slots.length).toBeGreaterThan(0);
    // Each site's hosts are its own: the default site's host is unknown here, and this one there.
    expect((await call(`/api/v1/demo/availability?site_key=${ws.siteKey}&host=berlin`)).status).toBe(422);
    expect((await call('/api/v1/demo/availability?host=ola')).status).toBe(422);
    server.use(turnstilePassesFor('content_download'));
    // The default site offers its own asset, not this one, and this site not the default's.
    const download = (slug: string, siteKey?: string) =>
      postJson(
        `/api/v1/content/${slug}/download`,
        { email: uniqueEmail('asset'), name: 'Jane', turnstile_token: 'XXXX.DUMMY.TOKEN.XXXX' },
        siteKey ? { 'x-site-key': siteKey } : {},
      );
    expect((await download('brand-b-guide')).status).toBe(404);
    expect((await download('state-of-b2b-sales-2026', ws.siteKey)).status).toBe(404);
    const mine = await download('brand-b-guide', ws.siteKey);
    expect(mine.status).toBe(202);
    const link = new URL(((await mine.json()) as { download_url: string }).download_url);
    expect(link.searchParams.get('ws')).toBe(ws.slug);
    const followed = await call(`${link.pathname}${link.search}`, { redirect: 'manual' });
    expect(followed.status).toBe(302);
    expect(followed.headers.get('location')).toBe('https://cdn.brand-b.test/guide.pdf');
    // The same link presented as the default site's (ws dropped) is not genuine there.
    link.searchParams.delete('ws');
    expect((await call(`${link.pathname}${link.search}`, { redirect: 'manual' })).status).toBe(403);
  });

  it('needs settings:write to read or change settings', async () => {
    const reader = await keyWith(ws, ['leads:read']);
    expect((await asKey(reader.key, '/api/v1/settings')).status).toBe(403);
    expect((await asKey(reader.key, '/api/v1/settings', 'PATCH', { cors_origins: [] })).status).toBe(403);
    const writer = await keyWith(ws, ['settings:write']);
    expect((await asKey(writer.key, '/api/v1/settings')).status).toBe(200);
  });
});
