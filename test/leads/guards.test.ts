import { eq } from 'drizzle-orm';
import { HttpResponse, http } from 'msw';
import { afterAll, describe, expect, it } from 'vitest';
import { leadEvents, leads } from '../../src/db/schema';
import { database, eventually, postJson, uniqueEmail, uniqueIp } from '../support/api';
import { SITEVERIFY_URL, server, siteverifyRequests } from '../support/msw';

const TOKEN = 'XXXX.DUMMY.TOKEN.XXXX';
const { db, close } = database();
afterAll(() => close());

const lead = (email: string, extra: Record<string, unknown> = {}) => ({ email, source: 'pricing', plan: 'growth', turnstile_token: TOKEN, ...extra });
const siteverifyAnswers = (body: Record<string, unknown>) => server.use(http.post(SITEVERIFY_URL, () => HttpResponse.json(body)));

/** Posts a good lead and waits for it: once it is in Postgres, anything queued before it would be too. */
async function sentinel() {
  const email = uniqueEmail('sentinel');
  await postJson('/api/v1/leads', lead(email));
  await eventually(async () => (await db.select().from(leads).where(eq(leads.email, email)))[0]);
}
async function storedNothingFor(email: string) {
  await sentinel();
  expect(await db.select().from(leads).where(eq(leads.email, email))).toHaveLength(0);
}

describe('honeypot', () => {
  it('answers a filled honeypot exactly like a real submission, and stores nothing', async () => {
    const email = uniqueEmail('bot');
    const res = await postJson('/api/v1/leads', lead(email, { website: 'http://spam.example' }));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(siteverifyRequests).toHaveLength(0);
    await storedNothingFor(email);
  });
});

describe('Turnstile', () => {
  it('refuses a failed challenge with 403 and stores nothing', async () => {
    siteverifyAnswers({ success: false, 'error-codes': ['invalid-input-response'] });
    const email = uniqueEmail();
    const res = await postJson('/api/v1/leads', lead(email));
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ code: 'captcha_failed', status: 403, request_id: expect.any(String) });
    server.resetHandlers();
    await storedNothingFor(email);
  });

  it('says so when the token was already spent', async () => {
    siteverifyAnswers({ success: false, 'error-codes': ['timeout-or-duplicate'] });
    const res = await postJson('/api/v1/leads', lead(uniqueEmail()));
    expect(res.status).toBe(403);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/expired or was already used/);
  });

  it('refuses a token minted for another hostname or action', async () => {
    siteverifyAnswers({ success: true, hostname: 'evil.example', action: 'lead', 'error-codes': [] });
    expect((await postJson('/api/v1/leads', lead(uniqueEmail()))).status).toBe(403);
    siteverifyAnswers({ success: true, hostname: 'www.example.com', action: 'login', 'error-codes': [] });
    expect((await postJson('/api/v1/leads', lead(uniqueEmail()))).status).toBe(403);
  });

  it('fails closed with 503 when siteverify cannot be reached (retried once), storing nothing', async () => {
    let calls = 0;
    server.use(
      http.post(SITEVERIFY_URL, () => {
        calls++;
        return HttpResponse.error();
      }),
    );
    const email = uniqueEmail();
    const res = await postJson('/api/v1/leads', lead(email));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(calls).toBe(2);
    server.resetHandlers();
    await storedNothingFor(email);
  });

  it('fails closed when siteverify answers 500', async () => {
    server.use(http.post(SITEVERIFY_URL, () => new HttpResponse('oops', { status: 500 })));
    expect((await postJson('/api/v1/leads', lead(uniqueEmail()))).status).toBe(503);
  });
});

describe('rate limits (Durable Objects, exact)', () => {
  it('refuses the 6th submission for one email within the hour while another email passes', async () => {
    const email = uniqueEmail();
    for (let i = 0; i < 5; i++) expect((await postJson('/api/v1/leads', lead(email))).status).toBe(202);
    const sixth = await postJson('/api/v1/leads', lead(email.toUpperCase()));
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(3500);
    expect(await sixth.json()).toMatchObject({ code: 'rate_limited', detail: expect.stringMatching(/this email address/) });
    expect((await postJson('/api/v1/leads', lead(uniqueEmail()))).status).toBe(202);
  });

  it("does not let forged requests (failed captcha) in someone's name lock that email out", async () => {
    const email = uniqueEmail();
    siteverifyAnswers({ success: false, 'error-codes': ['invalid-input-response'] });
    for (let i = 0; i < 6; i++) expect((await postJson('/api/v1/leads', lead(email))).status).toBe(403);
    server.resetHandlers();
    expect((await postJson('/api/v1/leads', lead(email))).status).toBe(202);
  });

  it('counts concurrent submissions exactly', async () => {
    const email = uniqueEmail();
    const results = await Promise.all(Array.from({ length: 12 }, () => postJson('/api/v1/leads', lead(email))));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 202)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
  });

  it('refuses the 31st submission from one IP within 10 minutes', async () => {
    const ip = uniqueIp();
    const results = [];
    for (let i = 0; i < 31; i++) results.push((await postJson('/api/v1/leads', lead(uniqueEmail()), { 'cf-connecting-ip': ip })).status);
    expect(results.slice(0, 30).every((s) => s === 202)).toBe(true);
    expect(results[30]).toBe(429);
    expect((await postJson('/api/v1/leads', lead(uniqueEmail()))).status).toBe(202);
  });

  it('treats one IPv6 /64 as one network', async () => {
    const prefix = `2001:db8:${Math.floor(Math.random() * 65535).toString(16)}:1`;
    for (let i = 0; i < 30; i++) await postJson('/api/v1/leads', lead(uniqueEmail()), { 'cf-connecting-ip': `${prefix}::${(i + 1).toString(16)}` });
    expect((await postJson('/api/v1/leads', lead(uniqueEmail()), { 'cf-connecting-ip': `${prefix}::ffff` })).status).toBe(429);
  });
});

describe('Idempotency-Key', () => {
  it('gives a retried request the original answer and creates nothing new', async () => {
    const email = uniqueEmail();
    const key = crypto.randomUUID();
    const first = await postJson('/api/v1/leads', lead(email), { 'idempotency-key': key });
    const retry = await postJson('/api/v1/leads', lead(email, { turnstile_token: 'another.token' }), { 'idempotency-key': key });
    expect(first.status).toBe(202);
    expect(retry.status).toBe(202);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const { id } = (await first.json()) as { id: string };
    expect(await retry.json()).toEqual({ id });
    expect(siteverifyRequests).toHaveLength(1);
    const stored = await eventually(async () => (await db.select().from(leads).where(eq(leads.email, email)))[0]);
    await sentinel();
    expect(await db.select().from(leadEvents).where(eq(leadEvents.leadId, stored.id))).toHaveLength(1);
  });

  it('refuses the same key with a different body', async () => {
    const key = crypto.randomUUID();
    await postJson('/api/v1/leads', lead(uniqueEmail()), { 'idempotency-key': key });
    const other = await postJson('/api/v1/leads', lead(uniqueEmail()), { 'idempotency-key': key });
    expect(other.status).toBe(422);
    expect(await other.json()).toMatchObject({ code: 'idempotency_key_reused' });
  });

  it('lets a request that failed be retried with the same key', async () => {
    const key = crypto.randomUUID();
    const email = uniqueEmail();
    siteverifyAnswers({ success: false, 'error-codes': ['invalid-input-response'] });
    expect((await postJson('/api/v1/leads', lead(email), { 'idempotency-key': key })).status).toBe(403);
    server.resetHandlers();
    expect((await postJson('/api/v1/leads', lead(email), { 'idempotency-key': key })).status).toBe(202);
  });
});
