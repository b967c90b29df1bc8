import { HttpResponse, http, ws } from 'msw';
import { setupServer } from 'msw/node';
import { mondayAnswer } from './monday-board';

export const SITEVERIFY_URL = 'https://challenges.cloudflare.com/turnstile/v0/siteverify';

/** Siteverify as Cloudflare answers it (shape from its server-side validation docs). */
export const siteverifyRequests: Array<Record<string, unknown>> = [];
export const turnstilePasses = http.post(SITEVERIFY_URL, async ({ request }) => {
  const body = (await request.json()) as Record<string, unknown>;
  siteverifyRequests.push(body);
  return HttpResponse.json({
    success: true,
    challenge_ts: new Date().toISOString(),
    hostname: 'www.example.com',
    'error-codes': [],
    action: 'lead',
    cdata: '',
    metadata: { ephemeral_id: 'x:1234567890' },
  });
});

/**
 * Providers answering as documented, so the background fan-out of every test's leads succeeds.
 * Tests that need a failing provider override these with `server.use(...)`.
 */
export const providerCalls: Array<{ provider: string; url: string; method: string; headers: Record<string, string>; body: string }> = [];
async function remember(provider: string, request: { headers: Headers; url: string; method: string; clone(): { text(): Promise<string> } }) {
  const headers: Record<string, string> = {};
  request.headers.forEach((v, k) => {
    headers[k] = v;
  });
  providerCalls.push({ provider, url: request.url, method: request.method, headers, body: await request.clone().text() });
}
export const providersSucceed = [
  http.post('https://api.sendgrid.com/v3/mail/send', async ({ request }) => {
    await remember('sendgrid', request);
    return new HttpResponse(null, { status: 202, headers: { 'x-message-id': 'sg-msg-1' } });
  }),
  http.post('https://api.hubapi.com/crm/v3/objects/contacts/batch/upsert', async ({ request }) => {
    await remember('hubspot', request);
    const { inputs } = (await request.json()) as { inputs: Array<{ id: string; properties: Record<string, string> }> };
    const now = new Date().toISOString();
    return HttpResponse.json({
      status: 'COMPLETE',
      startedAt: now,
      completedAt: now,
      results: inputs.map((i, n) => ({ id: String(1000 + n), new: true, properties: i.properties, createdAt: now, updatedAt: now, archived: false })),
    });
  }),
  // Meetings: found by their external URL (none yet), created with an association to the contact, or moved.
  http.post('https://api.hubapi.com/crm/v3/objects/meetings/search', async ({ request }) => {
    await remember('hubspot', request);
    return HttpResponse.json({ total: 0, results: [] });
  }),
  http.post('https://api.hubapi.com/crm/v3/objects/meetings', async ({ request }) => {
    await remember('hubspot', request);
    const { properties } = (await request.json()) as { properties: Record<string, string> };
    const now = new Date().toISOString();
    return HttpResponse.json(
      { id: '51234567890', properties: { ...properties, hs_createdate: now, hs_lastmodifieddate: now }, createdAt: now, updatedAt: now, archived: false },
      { status: 201 },
    );
  }),
  http.patch('https://api.hubapi.com/crm/v3/objects/meetings/:id', async ({ request, params }) => {
    await remember('hubspot', request);
    const { properties } = (await request.json()) as { properties: Record<string, string> };
    const now = new Date().toISOString();
    return HttpResponse.json({ id: String(params.id), properties, createdAt: now, updatedAt: now, archived: false });
  }),
  http.post('https://product.example.com/webhooks/leadgate', async ({ request }) => {
    await remember('product_webhook', request);
    return new HttpResponse(null, { status: 204 });
  }),
  http.post('https://crm-bridge.example.com/leadgate', async ({ request }) => {
    await remember('pipeline_webhook', request);
    return new HttpResponse(null, { status: 204 });
  }),
  http.post('https://api.monday.com/v2', async ({ request }) => {
    await remember('monday', request);
    return mondayAnswer(request);
  }),
  // GA4 Measurement Protocol (EU endpoint, GA4_REGION=eu): always 204, whatever the payload.
  http.post('https://region1.google-analytics.com/mp/collect', async ({ request }) => {
    await remember('ga4', request);
    return new HttpResponse(null, { status: 204 });
  }),
  http.post('https://api.twilio.com/2010-04-01/Accounts/:sid/Messages.json', async ({ request }) => {
    await remember('twilio', request);
    return HttpResponse.json({ sid: 'SM0123456789abcdef0123456789abcdef', status: 'queued' }, { status: 201 });
  }),
];

/** The Neon driver's WebSocket to the local Postgres bridge is real infrastructure: let it through. */
const postgresBridge = ws.link(/^ws:\/\/127\.0\.0\.1:\d+\/v1/);
const passPostgres = postgresBridge.addEventListener('connection', ({ server }) => server.connect());

export const server = setupServer(passPostgres, turnstilePasses, ...providersSucceed);
