import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { leadEvents, leads } from '../../src/db/schema';
import { adminGet, database, eventually, postJson, uniqueEmail } from '../support/api';
import { siteverifyRequests } from '../support/msw';

const TOKEN = 'XXXX.DUMMY.TOKEN.XXXX';
const { db, close } = database();
afterAll(() => close());

const leadByEmail = (email: string) => eventually(async () => (await db.select().from(leads).where(eq(leads.email, email)))[0]);

const SOURCES: Array<[string, Record<string, unknown>]> = [
  ['pricing', { plan: 'growth', billing_period: 'annual', seats: 25 }],
  ['contact_form', { message: 'We have 40 reps and want a trial next quarter.' }],
  ['whitepaper_download', { asset_slug: 'state-of-b2b-sales-2026' }],
  ['roi_calculator', { calculation_id: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f' }],
  ['chatbot', { conversation_id: 'cf-5f3a9c' }],
];

describe('POST /api/v1/leads — every source', () => {
  it.each(SOURCES)('accepts a %s lead and writes the lead and its event through the queue', async (source, fields) => {
    const email = uniqueEmail(source.replace('_', ''));
    const res = await postJson('/api/v1/leads', {
      email,
      name: 'Jane Doe',
      company: 'Acme',
      phone: '+14155550123',
      source,
      ...fields,
      consent: { marketing: true, analytics: false },
      utm: { source: 'google', medium: 'cpc', campaign: 'q4' },
      referrer: 'https://www.google.com/',
      landing_page: 'https://www.example.com/pricing',
      turnstile_token: TOKEN,
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };

    const lead = await leadByEmail(email);
    expect(lead).toMatchObject({
      name: 'Jane Doe',
      company: 'Acme',
      companyDomain: 'acme-test.com',
      phone: '+14155550123',
      firstSource: source,
      stage: 'new',
    });
    expect(lead.firstTouch).toMatchObject({ source, utm: { source: 'google', medium: 'cpc', campaign: 'q4' }, referrer: 'https://www.google.com/' });
    expect(lead.consent).toEqual({ marketing: true, analytics: false });
    const [event] = await db.select().from(leadEvents).where(eq(leadEvents.id, id));
    expect(event).toMatchObject({ leadId: lead.id, type: 'form_submitted', source });
    expect(event!.payload).toMatchObject(fields);
    expect(JSON.stringify(event!.payload)).not.toContain(TOKEN);
  });

  it('calls siteverify with the secret, the token, the client IP and an idempotency key', async () => {
    const res = await postJson(
      '/api/v1/leads',
      { email: uniqueEmail(), source: 'pricing', plan: 'starter', turnstile_token: TOKEN },
      { 'cf-connecting-ip': '203.0.113.7' },
    );
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect(siteverifyRequests).toEqual([{ secret: '1x0000000000000000000000000000000AA', response: TOKEN, remoteip: '203.0.113.7', idempotency_key: id }]);
  });

  it('derives no company domain from a free-mail address, and keeps one that is given', async () => {
    const free = uniqueEmail('free', 'gmail.com');
    const given = uniqueEmail('given', 'gmail.com');
    await postJson('/api/v1/leads', { email: free, source: 'pricing', plan: 'growth', turnstile_token: TOKEN });
    await postJson('/api/v1/leads', {
      email: given,
      company_domain: 'https://www.Globex.com/about',
      source: 'pricing',
      plan: 'growth',
      turnstile_token: TOKEN,
    });
    expect((await leadByEmail(free)).companyDomain).toBeNull();
    expect((await leadByEmail(given)).companyDomain).toBe('globex.com');
  });

  it('keeps the first touch and applies newer contact data on a second submission', async () => {
    const email = uniqueEmail();
    await postJson('/api/v1/leads', {
      email,
      name: 'J. Doe',
      source: 'whitepaper_download',
      asset_slug: 'guide',
      utm: { campaign: 'first' },
      consent: { marketing: true },
      turnstile_token: TOKEN,
    });
    const first = await leadByEmail(email);
    const second = await postJson('/api/v1/leads', {
      email: email.toUpperCase(),
      name: 'Jane Doe',
      company: 'Acme',
      source: 'pricing',
      plan: 'growth',
      utm: { campaign: 'second' },
      turnstile_token: TOKEN,
    });
    const { id } = (await second.json()) as { id: string };
    await eventually(async () => (await db.select().from(leadEvents).where(eq(leadEvents.id, id)))[0]);
    const [lead] = await db.select().from(leads).where(eq(leads.id, first.id));
    expect(lead).toMatchObject({ name: 'Jane Doe', company: 'Acme', firstSource: 'whitepaper_download' });
    expect(lead!.firstTouch.utm).toEqual({ campaign: 'first' });
    expect(lead!.lastTouch.utm).toEqual({ campaign: 'second' });
    expect(lead!.consent).toEqual({ marketing: true }); // not asked the second time: unchanged
    expect(await db.select().from(leadEvents).where(eq(leadEvents.leadId, first.id))).toHaveLength(2);
  });

  it('is readable through the admin API with its event within two seconds', async () => {
    const email = uniqueEmail();
    const started = Date.now();
    const res = await postJson('/api/v1/leads', { email, source: 'contact_form', message: 'Hello', turnstile_token: TOKEN });
    const { id } = (await res.json()) as { id: string };
    const page = await eventually(async () => {
      const r = (await (await adminGet(`/api/v1/leads?email=${encodeURIComponent(email)}`)).json()) as { items: Array<{ id: string }> };
      return r.items.length ? r : null;
    }, 2000);
    expect(Date.now() - started).toBeLessThan(2000);
    const detail = (await (await adminGet(`/api/v1/leads/${page.items[0]!.id}`)).json()) as { events: Array<{ id: string; type: string }> };
    expect(detail.events).toEqual([expect.objectContaining({ id, type: 'form_submitted' })]);
  });
});
