import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { leads } from '../../src/db/schema';
import { call, database, eventually, postJson, uniqueEmail } from '../support/api';
import { siteverifyRequests } from '../support/msw';

const TOKEN = 'XXXX.DUMMY.TOKEN.XXXX';
const { db, close } = database();
afterAll(() => close());

const valid = (email: string) => ({ email, name: 'Jane Doe', source: 'contact_form', message: 'Hello', turnstile_token: TOKEN });

async function expectProblem(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ status, code, title: expect.any(String), instance: '/api/v1/leads', request_id: res.headers.get('x-request-id') });
  expect(JSON.stringify(body)).not.toMatch(/at .*\.ts|Error:|stack/);
  return body as { errors?: Array<{ field: string; code: string; message: string }> };
}

const emails: string[] = [];
function email() {
  const e = uniqueEmail('bad');
  emails.push(e);
  return e;
}

describe('bad input gets a clear 4xx problem+json and stores nothing', () => {
  it('malformed JSON → 400', async () => {
    await expectProblem(await postJson('/api/v1/leads', `{"email": "${email()}", "source": `), 400, 'malformed_json');
  });

  it('wrong content type → 415', async () => {
    const res = await call('/api/v1/leads', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `email=${email()}&source=pricing`,
    });
    await expectProblem(res, 415, 'unsupported_media_type');
  });

  it('a 1 MB body → 413', async () => {
    await expectProblem(await postJson('/api/v1/leads', { ...valid(email()), message: 'x'.repeat(1024 * 1024) }), 413, 'payload_too_large');
  });

  it('an empty body → 422 with the required fields', async () => {
    const res = await call('/api/v1/leads', { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it('"not-an-email" → 422 on the email field', async () => {
    const body = await expectProblem(await postJson('/api/v1/leads', { ...valid('x'), email: 'not-an-email' }), 422, 'validation_failed');
    expect(body.errors).toEqual([expect.objectContaining({ field: 'email', message: 'must be a valid email address' })]);
  });

  it('a 10,000-character name → 422', async () => {
    const body = await expectProblem(await postJson('/api/v1/leads', { ...valid(email()), name: 'n'.repeat(10_000) }), 422, 'validation_failed');
    expect(body.errors).toEqual([expect.objectContaining({ field: 'name', message: 'must be at most 200 characters' })]);
  });

  it('<script> in a message → 422', async () => {
    const body = await expectProblem(await postJson('/api/v1/leads', { ...valid(email()), message: 'hi <script>alert(1)</script>' }), 422, 'validation_failed');
    expect(body.errors).toEqual([expect.objectContaining({ field: 'message', message: 'must not contain HTML or markup' })]);
  });

  it('an unknown source → 422 naming the allowed ones', async () => {
    const body = await expectProblem(await postJson('/api/v1/leads', { ...valid(email()), source: 'fax' }), 422, 'validation_failed');
    expect(body.errors?.[0]).toMatchObject({ field: 'source' });
    expect(body.errors?.[0]?.message).toMatch(/pricing.*contact_form/);
  });

  it('a missing Turnstile token → 422', async () => {
    const { turnstile_token, ...rest } = valid(email());
    const body = await expectProblem(await postJson('/api/v1/leads', rest), 422, 'validation_failed');
    expect(body.errors).toEqual([{ field: 'turnstile_token', code: 'required', message: 'is required' }]);
  });

  it('unknown fields → 422 naming each', async () => {
    const body = await expectProblem(
      await postJson('/api/v1/leads', { ...valid(email()), is_admin: true, utm: { source: 'x', evil: 1 } }),
      422,
      'validation_failed',
    );
    expect(body.errors?.map((e) => e.field).sort()).toEqual(['is_admin', 'utm.evil']);
  });

  it('a source-specific field missing (pricing without plan) → 422', async () => {
    const body = await expectProblem(await postJson('/api/v1/leads', { email: email(), source: 'pricing', turnstile_token: TOKEN }), 422, 'validation_failed');
    expect(body.errors).toEqual([expect.objectContaining({ field: 'plan', code: 'required' })]);
  });

  it('characters Postgres cannot store (NUL, a lone surrogate) and line breaks in a name → 422', async () => {
    for (const [field, value] of [
      ['name', 'Jane \u0000'],
      ['message', 'hi \ud800 there'],
      ['name', 'Jane\r\nBcc: x@evil.example'],
      ['landing_page', 'https://a.com/\u0000x'],
    ] as const) {
      const body = await expectProblem(await postJson('/api/v1/leads', { ...valid(email()), [field]: value }), 422, 'validation_failed');
      expect(body.errors?.[0]?.field).toBe(field);
    }
  });

  it('a phone number that is not E.164 → 422', async () => {
    await expectProblem(await postJson('/api/v1/leads', { ...valid(email()), phone: '555-0123' }), 422, 'validation_failed');
  });

  it('a JSON array or a string instead of an object → 422', async () => {
    await expectProblem(await postJson('/api/v1/leads', '[1,2,3]'), 422, 'validation_failed');
    await expectProblem(await postJson('/api/v1/leads', '"hello"'), 422, 'validation_failed');
  });

  it('stored none of the above and never asked Turnstile about them', async () => {
    expect(siteverifyRequests).toHaveLength(0);
    const sentinel = uniqueEmail('sentinel');
    await postJson('/api/v1/leads', valid(sentinel));
    await eventually(async () => (await db.select().from(leads).where(eq(leads.email, sentinel)))[0]);
    for (const e of emails) expect(await db.select().from(leads).where(eq(leads.email, e))).toHaveLength(0);
  });
});

describe('other endpoints', () => {
  it('an unknown path is a problem+json 404', async () => {
    const res = await call('/api/v1/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('CORS allows only configured origins', async () => {
    const ok = await call('/api/v1/leads', { method: 'OPTIONS', headers: { origin: 'https://www.example.com', 'access-control-request-method': 'POST' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://www.example.com');
    const no = await call('/api/v1/leads', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(no.headers.get('access-control-allow-origin')).toBeNull();
  });
});
