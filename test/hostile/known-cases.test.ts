import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { contentDownloads, leads } from '../../src/db/schema';
import { downloadQuery } from '../../src/domain/signed-link';
import { renderEmail } from '../../src/integrations/email/templates';
import { describeError } from '../../src/logger';
import { turnstilePassesFor } from '../roi/siteverify';
import { ADMIN_KEY, call, database, eventually, postJson, uniqueEmail, uniqueIp } from '../support/api';
import { providerCalls, server } from '../support/msw';
import { createLead, postRaw, standardHeaders } from '../webhooks/signing';
import { settled } from '../webhooks/support';

/**
 * What a hostile probe of the running stack broke, one case each. Every case failed before its fix
 * (500s, a 202 for a slug that is not an asset, a webhook that never settled, a body buffered whole,
 * links built on a caller's Host header…).
 */
const TOKEN = 'XXXX.DUMMY.TOKEN.XXXX';
const { db, close } = database();
afterAll(() => close());

async function expectProblem(res: Response, status: number, code?: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = (await res.json()) as { code: string; request_id: string; errors?: Array<{ field: string; code: string }> };
  expect(body.request_id).toBe(res.headers.get('x-request-id'));
  if (code) expect(body.code).toBe(code);
  return body;
}

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const lead = (email: string) => ({ email, name: 'Jane Doe', source: 'contact_form', message: 'Hello', turnstile_token: TOKEN });

describe('1. deeply nested JSON', () => {
  it('is refused with 422 on a public endpoint, not a 500', async () => {
    const body = await expectProblem(await postJson('/api/v1/leads', nested(5800)), 422, 'validation_failed');
    expect(body.errors).toEqual([expect.objectContaining({ code: 'too_deep' })]);
    await expectProblem(await postJson('/api/v1/leads', `{"email":"a@acme.com","utm":${`{"a":`.repeat(40)}1${'}'.repeat(40)}}`), 422, 'validation_failed');
  });

  it('never reaches the body on an admin endpoint without a key: 401 first', async () => {
    await expectProblem(
      await call('/api/v1/benchmarks/saas', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: nested(5800) }),
      401,
      'unauthorized',
    );
    await expectProblem(await postJson('/api/v1/deliveries/replay', nested(5800)), 401, 'unauthorized');
  });

  it('is refused with 422 on an admin endpoint with a key', async () => {
    await expectProblem(await postJson('/api/v1/deliveries/replay', nested(5800), { authorization: `Bearer ${ADMIN_KEY}` }), 422, 'validation_failed');
  });
});

describe('2. configuration maps are looked up by their own keys', () => {
  it('"constructor" is not a content asset: 404, nothing stored, nothing sent', async () => {
    const email = uniqueEmail('proto');
    await expectProblem(await postJson('/api/v1/content/constructor/download', { email, turnstile_token: TOKEN }), 404, 'not_found');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await db.select().from(leads).where(eq(leads.email, email))).toEqual([]);
    expect(await db.select().from(contentDownloads).where(eq(contentDownloads.assetSlug, 'constructor'))).toEqual([]);
    expect(providerCalls.filter((c) => c.body.includes(email))).toEqual([]);
  });

  it('a genuinely signed link for "constructor" redirects nowhere: 404', async () => {
    const query = await downloadQuery(loadConfig(env).content.linkSecret, {
      slug: 'constructor',
      downloadId: crypto.randomUUID(),
      expiresAt: Math.floor(Date.now() / 1000) + 60,
    });
    await expectProblem(await call(`/api/v1/content/constructor/file?${query}`), 404, 'not_found');
  });
});

describe('3. a verified webhook naming a prototype member as its status', () => {
  for (const status of ['constructor', '__proto__', 'toString']) {
    it(`"${status}" is recorded as ignored, like any unknown value`, async () => {
      const email = uniqueEmail('proto-status');
      await createLead(email);
      const body = JSON.stringify({ type: 'contact.updated', data: { email, status } });
      const res = await postRaw('/api/v1/webhooks/standard', body, standardHeaders(body));
      expect(res.status).toBe(200);
      const row = await settled(((await res.json()) as { id: string }).id);
      expect(row.outcome).toBe('ignored');
    });
  }
});

describe('4. query parameters follow the storable-text rule', () => {
  for (const path of ['/api/v1/leads?email=a%00b%40acme.com', '/api/v1/deliveries?key=%00', '/api/v1/webhook-events?provider=%00']) {
    it(`GET ${path} → 422, not a 500`, async () => {
      const body = await expectProblem(await call(path, { headers: { authorization: `Bearer ${ADMIN_KEY}` } }), 422, 'validation_failed');
      expect(body.errors?.[0]).toMatchObject({ code: 'invalid_characters' });
    });
  }
});

describe('5. a chunked body is counted while it streams', () => {
  it('stops reading at the limit: 413 after about 16 KiB, not after the whole upload', async () => {
    let pulled = 0;
    const chunk = new TextEncoder().encode(`"${'x'.repeat(64 * 1024 - 2)}"`);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.byteLength;
        if (pulled > 90 * 1024 * 1024) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const res = await call('/api/v1/leads', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': uniqueIp() },
      body,
      duplex: 'half',
    } as RequestInit);
    await expectProblem(res, 413, 'payload_too_large');
    expect(pulled).toBeLessThan(1024 * 1024);
  });
});

describe('6. a malformed cf-connecting-ip', () => {
  it('counts as one key, not as an error', async () => {
    const res = await call('/api/v1/leads', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': '1:2:3:4:5:6:7:8::9' },
      body: JSON.stringify(lead(uniqueEmail('badip'))),
    });
    expect(res.status).toBe(202);
  });
});

describe('7. links are built on the configured public origin, never on the Host header', () => {
  it('a download requested with Host: evil.example links to PUBLIC_API_URL, in the answer and in the email', async () => {
    const email = uniqueEmail('host');
    server.use(turnstilePassesFor('content_download'));
    const res = await exportsFetch('https://evil.example/api/v1/content/state-of-b2b-sales-2026/download', { email, turnstile_token: TOKEN });
    expect(res.status).toBe(202);
    const { download_url } = (await res.json()) as { download_url: string };
    expect(download_url.startsWith('https://api.example.com/api/v1/content/state-of-b2b-sales-2026/file?')).toBe(true);
    const mail = await eventually(async () => providerCalls.find((c) => c.provider === 'sendgrid' && c.body.includes(email) && c.body.includes('/file?')));
    expect(mail.body).not.toContain('evil.example');
  });

  it('production refuses to start without PUBLIC_API_URL', () => {
    const { PUBLIC_API_URL, NEON_WS_PROXY, ...rest } = env as unknown as Record<string, string>;
    const production = { ...rest, ENVIRONMENT: 'production', PROVIDER_MODE: 'live' } as unknown as Env;
    expect(() => loadConfig(production).core).toThrow(ConfigError);
    expect(() => loadConfig(production).core).toThrow(/PUBLIC_API_URL/);
  });
});

describe('8. text that deceives a reader', () => {
  it('a right-to-left override in a name, or a zero-width space in a company, is refused (422)', async () => {
    const body = await expectProblem(await postJson('/api/v1/leads', { ...lead(uniqueEmail('bidi')), name: 'Jane \u202Egnp.exe' }), 422, 'validation_failed');
    expect(body.errors).toEqual([expect.objectContaining({ field: 'name' })]);
    const zw = await expectProblem(await postJson('/api/v1/leads', { ...lead(uniqueEmail('zw')), company: 'Ac\u200Bme' }), 422, 'validation_failed');
    expect(zw.errors).toEqual([expect.objectContaining({ field: 'company' })]);
  });

  it('a body that is not UTF-8 is refused with 400, not stored as U+FFFD', async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('{"email":"a@acme.com","name":"J'), 0xff, 0xfe, ...new TextEncoder().encode('"}')]);
    await expectProblem(await call('/api/v1/leads', { method: 'POST', headers: { 'content-type': 'application/json' }, body: bytes }), 400, 'invalid_encoding');
  });

  it('email subjects show such characters as visible escapes', () => {
    const { subject } = renderEmail('sales_notification', {
      lead: { id: 'x', email: 'a@acme.com', name: 'Jane \u202Egnp.exe', company: 'Ac\u200Bme', source: 'pricing' },
    });
    expect(subject).not.toMatch(/[\u202E\u200B]/);
    expect(subject).toContain('<U+202E>');
    expect(subject).toContain('<U+200B>');
  });
});

describe('9. Content-Encoding', () => {
  it('is refused with 415 whether or not the body really is compressed', async () => {
    const json = JSON.stringify(lead(uniqueEmail('gzip')));
    const gzipped = new Uint8Array(await new Response(new Blob([json]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer());
    for (const body of [gzipped, json]) {
      await expectProblem(
        await call('/api/v1/leads', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'cf-connecting-ip': uniqueIp() },
          body,
        }),
        415,
        'unsupported_media_type',
      );
    }
  });
});

describe('10. database pool errors say what happened', () => {
  it('an ErrorEvent from the driver is logged with its message, not as [object ErrorEvent]', () => {
    const text = describeError(new ErrorEvent('error', { message: 'Network connection lost', error: new Error('Network connection lost') }));
    expect(text).not.toContain('[object');
    expect(text).toContain('Network connection lost');
  });
});

/** A request to the worker under another host name (what a forged Host header amounts to). */
async function exportsFetch(url: string, body: unknown): Promise<Response> {
  const { exports } = await import('cloudflare:workers');
  return exports.default.fetch(
    new Request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'cf-connecting-ip': uniqueIp() }, body: JSON.stringify(body) }),
  );
}
