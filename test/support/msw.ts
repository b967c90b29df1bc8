import { http, HttpResponse, ws } from 'msw';
import { setupServer } from 'msw/node';

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

/** The Neon driver's WebSocket to the local Postgres bridge is real infrastructure: let it through. */
const postgresBridge = ws.link(/^ws:\/\/127\.0\.0\.1:\d+\/v1/);
const passPostgres = postgresBridge.addEventListener('connection', ({ server }) => server.connect());

export const server = setupServer(passPostgres, turnstilePasses);
