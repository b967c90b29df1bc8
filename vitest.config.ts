import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { TEST_HOST } from './test/support/host-week';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

// The global setup (test/global-setup.ts) starts a throwaway embedded Postgres and the Neon bridge on
// these ports; the Worker under test reaches them through the same driver path as production.
process.env.LEADGATE_TEST_PG_PORT ??= String(await freePort());
process.env.LEADGATE_TEST_BRIDGE_PORT ??= String(await freePort());
// A password of its own per run: the throwaway cluster listens on loopback, where anyone on the machine can knock.
process.env.LEADGATE_TEST_PG_PASSWORD ??= randomBytes(18).toString('base64url');
// The Worker connects as leadgate_app (no BYPASSRLS), as in production; the owner only runs migrations
// and what the CLI does (test/support/workspaces.ts creates workspaces with it).
process.env.LEADGATE_TEST_APP_PASSWORD ??= randomBytes(18).toString('base64url');

// SendGrid's Signed Event Webhook (test/receipts): a P-256 key pair of its own per run; the Worker gets the public
// key as SendGrid shows it (base64 DER SPKI), the tests sign with the private one (base64 DER PKCS#8).
const sendgridEventKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });

export const TEST_VARS = {
  ENVIRONMENT: 'test',
  DATABASE_URL: `postgres://leadgate_app:${process.env.LEADGATE_TEST_APP_PASSWORD}@127.0.0.1:${process.env.LEADGATE_TEST_PG_PORT}/leadgate`,
  /** Not read by the Worker: the tests' stand-in for the CLI's owner connection. */
  LEADGATE_TEST_OWNER_URL: `postgres://leadgate:${process.env.LEADGATE_TEST_PG_PASSWORD}@127.0.0.1:${process.env.LEADGATE_TEST_PG_PORT}/leadgate`,
  SETTINGS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  NEON_WS_PROXY: `127.0.0.1:${process.env.LEADGATE_TEST_BRIDGE_PORT}`,
  ADMIN_API_KEY: 'test-admin-key-0123456789abcdef',
  ADMIN_API_KEY_HASHES: `sales-dashboard:${createHash('sha256').update('lg_test-sales-dashboard-key').digest('hex')}`,
  PUBLIC_API_URL: 'https://api.example.com',
  CORS_ORIGINS: 'https://www.example.com',
  TURNSTILE_MODE: 'cloudflare',
  TURNSTILE_SECRET_KEY: '1x0000000000000000000000000000000AA',
  TURNSTILE_HOSTNAMES: 'www.example.com',
  TURNSTILE_TIMEOUT_MS: '1000',
  // Fan-out: real provider clients, answered by MSW (test/support/msw.ts) at the HTTP boundary.
  PROVIDER_MODE: 'live',
  SALES_INBOX: 'sales@leadgate-test.com',
  EMAIL_FROM: 'no-reply@leadgate-test.com',
  EMAIL_PROVIDER: 'sendgrid',
  SENDGRID_API_KEY: 'SG.test-key',
  SENDGRID_EVENT_PUBLIC_KEY: sendgridEventKeys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  /** Not read by the Worker: what the tests sign SendGrid's events with. */
  LEADGATE_TEST_SENDGRID_SIGNING_KEY: sendgridEventKeys.privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
  CRM_PROVIDERS: 'hubspot',
  HUBSPOT_ACCESS_TOKEN: 'pat-test-token',
  PIPEDRIVE_API_TOKEN: 'pipedrive-test-token',
  TWILIO_ACCOUNT_SID: 'ACtest0000000000000000000000000000',
  TWILIO_AUTH_TOKEN: 'twilio-test-token',
  TWILIO_FROM: '+15005550006',
  PRODUCT_WEBHOOK_URL: 'https://product.example.com/webhooks/leadgate',
  PRODUCT_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  PIPELINE_WEBHOOK_URL: 'https://crm-bridge.example.com/leadgate',
  PIPELINE_WEBHOOK_SECRET: 'whsec_bGVhZGdhdGUtdGVzdC1waXBlbGluZS13ZWJob29r',
  BUSINESS_DOMAINS: 'saas,fintech,ecommerce,healthcare,other',
  DELIVERY_MAX_ATTEMPTS: '5',
  EVENTS_REDRIVE_DELAY_SECONDS: '0',
  DELIVERY_TIMEOUT_MS: '1000',
  DOWNLOAD_LINK_SECRET: 'test-download-link-secret-0123456789abcdef',
  CONTENT_ASSETS: JSON.stringify({
    'state-of-b2b-sales-2026': { title: 'State of B2B Sales 2026', url: 'https://cdn.example.com/whitepapers/state-of-b2b-sales-2026.pdf' },
  }),
  // Inbound CRM webhooks (test/webhooks): one secret per provider; two Standard Webhooks keys (rotation).
  HUBSPOT_CLIENT_SECRET: 'test-hubspot-client-secret-0a1b2c3d',
  PIPEDRIVE_WEBHOOK_USER: 'leadgate-pipedrive',
  PIPEDRIVE_WEBHOOK_PASSWORD: 'test-pipedrive-webhook-password',
  MONDAY_SIGNING_SECRET: 'test-monday-signing-secret-4e5f6a7b',
  STANDARD_WEBHOOK_SECRETS: 'whsec_bGVhZGdhdGUtdGVzdC1uZXctc3RhbmRhcmQtd2ViaG9vay1rZXk=,whsec_bGVhZGdhdGUtdGVzdC1vbGQtc3RhbmRhcmQtd2ViaG9vay1rZXk=',
  CRM_WEBHOOK_PROVIDER: 'hubspot',
  CRM_STATUS_MAP: JSON.stringify({ monday: { Won: 'customer', 'Lost deal': 'lost', Working: 'contacted' } }),
  // Demo scheduling (test/demo): two hosts whose working hours overlap only in the afternoon (Berlin) / morning (New York).
  DEMO_HOSTS: JSON.stringify([
    { ...TEST_HOST, id: 'berlin', name: 'Berta Berlin', email: 'berta@leadgate-test.com', time_zone: 'Europe/Berlin' },
    { ...TEST_HOST, id: 'newyork', name: 'Nate York', email: 'nate@leadgate-test.com', time_zone: 'America/New_York' },
  ]),
  BOOKING_LINK_SECRET: 'test-booking-link-secret-0123456789abcdef',
  DEMO_ATTEMPTS_PER_HOUR: '5',
  DEMO_MAX_ACTIVE_PER_EMAIL: '1',
  DEMO_CANCEL_MIN_NOTICE_MINUTES: '120',
  DEMO_REMINDER_MINUTES_BEFORE: '60',
  GOOGLE_CALENDAR_ACCESS_TOKEN: 'ya29.test-google-token',
  // The chatbot hub (test/chatbot): two tokens (rotation), monday.com and GA4 answered by MSW.
  CHATBOT_TOKENS: 'test-chatbot-token-new-0123456789,test-chatbot-token-old-0123456789',
  CHATBOT_PACKAGES: 'Start,Standard,Premium',
  CHATBOT_TIME_ZONE: 'Europe/Warsaw',
  CHATBOT_COMPANY_NAME: 'Leadgate Test',
  CHATBOT_COMPANY_PHONE: '+48 22 100 20 30',
  CHATBOT_CONSULTANT_NAME: 'Anna Kowalska',
  CHATBOT_CONSULTANT_EMAIL: 'konsultant@leadgate-test.com',
  MONDAY_API_TOKEN: 'test-monday-api-token',
  MONDAY_BOARD_ID: '1234567890',
  GA4_MEASUREMENT_ID: 'G-TEST123456',
  GA4_API_SECRET: 'test-ga4-api-secret',
  GA4_REGION: 'eu',
  TELEGRAM_BOT_TOKEN: '123456:TEST-telegram-bot-token',
  TELEGRAM_WEBHOOK_SECRET: 'test-telegram-webhook-secret',
};

/**
 * Tests use wrangler.toml as it is, from a copy in a folder of its own: wrangler reads `.dev.vars` next to
 * the config file, and a developer's local settings must never leak into the suite.
 */
function testWranglerConfig(): string {
  const root = decodeURIComponent(new URL('.', import.meta.url).pathname);
  const dir = `${root}node_modules/.cache/leadgate-test`;
  mkdirSync(dir, { recursive: true });
  const toml = readFileSync(`${root}wrangler.toml`, 'utf8')
    .replace(/^main = "(.+)"$/m, (_m, main) => `main = "${root}${main}"`)
    .replace(/^directory = "\.\/(.+)"$/m, (_m, d) => `directory = "${root}${d}"`);
  writeFileSync(`${dir}/wrangler.toml`, toml);
  return `${dir}/wrangler.toml`;
}

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: testWranglerConfig() },
      miniflare: { bindings: TEST_VARS },
    }),
  ],
  test: {
    globalSetup: ['./test/global-setup.ts'],
    setupFiles: ['./test/support/setup.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    // The Worker's JSON logs go straight to the output rather than through vitest's console RPC: background
    // work (queue consumers) still logging while a file's environment closes must not fail the run.
    disableConsoleIntercept: true,
    hookTimeout: 60_000,
    deps: { optimizer: { ssr: { enabled: true, include: ['ics'] } } },
  },
});
