import { describe, expect, it } from 'vitest';
import { adminGet, call, eventually, postJson, uniqueEmail } from '../support/api';

const TOKEN = 'XXXX.DUMMY.TOKEN.XXXX';

describe('admin lead endpoints', () => {
  it('require the API key', async () => {
    expect((await call('/api/v1/leads')).status).toBe(401);
    expect((await call('/api/v1/leads', { headers: { authorization: 'Bearer wrong-key' } })).status).toBe(401);
    const res = await call('/api/v1/leads/01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f', { headers: { authorization: 'Basic abc' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('accept a named key kept only as its hash, and nothing close to it', async () => {
    const get = (key: string) => call('/api/v1/leads?limit=1', { headers: { authorization: `Bearer ${key}` } });
    expect((await get('lg_test-sales-dashboard-key')).status).toBe(200);
    expect((await get('lg_test-sales-dashboard-ke')).status).toBe(401);
    expect((await get('sales-dashboard')).status).toBe(401);
  });

  it('404 for an unknown lead, 422 for a malformed id', async () => {
    expect((await adminGet('/api/v1/leads/01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f')).status).toBe(404);
    expect((await adminGet('/api/v1/leads/not-a-uuid')).status).toBe(422);
  });

  it('filters by source and since, and paginates with a cursor', async () => {
    const since = new Date().toISOString();
    const domain = `page-${crypto.randomUUID().slice(0, 8)}.com`;
    const emails = [uniqueEmail('p', domain), uniqueEmail('p', domain), uniqueEmail('p', domain)];
    for (const email of emails) await postJson('/api/v1/leads', { email, source: 'chatbot', conversation_id: 'c1', turnstile_token: TOKEN });
    const all = await eventually(async () => {
      const r = (await (await adminGet(`/api/v1/leads?source=chatbot&since=${since}&limit=200`)).json()) as { items: Array<{ email: string }> };
      return emails.every((e) => r.items.some((i) => i.email === e)) ? r : null;
    });
    expect(all.items.every((i) => i.email !== undefined)).toBe(true);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (await adminGet(`/api/v1/leads?source=chatbot&since=${since}&limit=1${cursor ? `&cursor=${cursor}` : ''}`)).json()) as {
        items: Array<{ id: string; first_source: string }>;
        next_cursor: string | null;
      };
      expect(page.items.length).toBeLessThanOrEqual(1);
      for (const i of page.items) expect(i.first_source).toBe('chatbot');
      seen.push(...page.items.map((i) => i.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(all.items.length);
  });

  it('refuses a forged cursor', async () => {
    expect((await adminGet('/api/v1/leads?cursor=bm90LWEtY3Vyc29y')).status).toBe(422);
  });
});

describe('API docs', () => {
  it('serves an OpenAPI 3.1 document with described fields and the docs page', async () => {
    const doc = (await (await call('/openapi.json')).json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/api/v1/leads'].post).toBeDefined();
    const email = doc.components.schemas.PricingLead.properties.email;
    expect(email.description).toBeTruthy();
    expect(email.example).toBeTruthy();
    const docs = await call('/docs');
    expect(docs.status).toBe(200);
    const page = await docs.text();
    expect(page).toContain('/openapi.json');
    // Served by the Worker itself, so the docs work without a CDN.
    for (const asset of ['/docs/assets/swagger-ui-bundle.js', '/docs/assets/swagger-ui.css']) {
      expect(page).toContain(asset);
      const res = await call(asset);
      expect(res.status).toBe(200);
      expect((await res.text()).length).toBeGreaterThan(10_000);
    }
    expect((await call('/docs/assets/package.json')).status).toBe(404);
  });
});
