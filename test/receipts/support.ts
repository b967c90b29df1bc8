import { env } from 'cloudflare:workers';
import { createHash, createHmac, createPrivateKey, sign } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { HttpResponse, http } from 'msw';
import type { Database } from '../../src/db/client';
import { smsStopList } from '../../src/db/schema';
import { adminGet, call } from '../support/api';
import { deliveryRow, pendingDelivery, runDeliveryMessage } from '../support/deliveries';
import { server } from '../support/msw';

/**
 * Providers as they sign (node:crypto, independent of the Worker's WebCrypto code) and as they answer,
 * for the receipt tests: Twilio's messages and status callbacks, SendGrid's sends and event batches.
 */
export const ORIGIN = 'https://api.example.com';
export const TWILIO_MESSAGES = 'https://api.twilio.com/2010-04-01/Accounts/:sid/Messages.json';
export const TWILIO_STATUS_PATH = '/api/v1/webhooks/twilio/status';
export const SENDGRID_EVENTS_PATH = '/api/v1/webhooks/sendgrid/events';
const TWILIO_AUTH_TOKEN = 'twilio-test-token';

/** A Polish mobile number of its own per call (E.164). */
export const uniqueNumber = () => `+48${500_000_000 + (crypto.getRandomValues(new Uint32Array(1))[0]! % 100_000_000)}`;
/** A Message SID of its own per call. */
export const uniqueSid = () => `SM${crypto.randomUUID().replaceAll('-', '')}`;

/** What Twilio was sent, per call: the form fields of each Messages.json request. */
export const twilioRequests: Array<Record<string, string>> = [];
export const sentTo = (number: string) => twilioRequests.filter((r) => r.To === number);

/**
 * Twilio's Messages endpoint for the test: `errors` maps a number to the REST error Twilio answers for
 * it; any other number is accepted with a SID of its own (`sids` maps the number to it).
 */
export function twilioAnswers(errors: Record<string, { code: number; message: string; status?: number }> = {}, sids: Map<string, string> = new Map()) {
  server.use(
    http.post(TWILIO_MESSAGES, async ({ request }) => {
      const form = Object.fromEntries(new URLSearchParams(await request.text()));
      twilioRequests.push(form);
      const error = errors[form.To!];
      if (error) {
        const status = error.status ?? 400;
        return HttpResponse.json(
          { code: error.code, message: error.message, more_info: `https://www.twilio.com/docs/errors/${error.code}`, status },
          { status },
        );
      }
      const sid = uniqueSid();
      sids.set(form.To!, sid);
      return HttpResponse.json({ sid, status: 'queued', to: form.To, body: form.Body, num_segments: '1' }, { status: 201 });
    }),
  );
  return sids;
}

/** An SMS delivery in the ledger, worked once by the delivery consumer. */
export async function sendSmsThroughWorker(db: Database, to: string, body = 'Przypomnienie: jutro o 10:00 masz spotkanie.') {
  const { id } = await pendingDelivery(db, { destination: 'sms', key: 'receipt_test', payload: { to, body } });
  const run = await runDeliveryMessage(id);
  return { id, run, row: await deliveryRow(db, id) };
}

export async function isStopped(db: Database, number: string): Promise<boolean> {
  const hash = createHash('sha256').update(number).digest('hex');
  return (await db.select().from(smsStopList).where(eq(smsStopList.numberHash, hash))).length > 0;
}

/** X-Twilio-Signature: base64 HMAC-SHA1 over the URL and each parameter's name and value, sorted by name. */
export function twilioSignature(url: string, params: Record<string, string>, token = TWILIO_AUTH_TOKEN): string {
  const content = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  return createHmac('sha1', token).update(content).digest('base64');
}

/** A status callback as Twilio posts it (form-encoded), signed for `signedUrl` (the public URL by default). */
export function postStatusCallback(fields: Record<string, string>, opts: { signedUrl?: string; token?: string; signature?: string } = {}) {
  const params = { AccountSid: 'ACtest0000000000000000000000000000', From: '+15005550006', ApiVersion: '2010-04-01', ...fields };
  const signature = opts.signature ?? twilioSignature(opts.signedUrl ?? `${ORIGIN}${TWILIO_STATUS_PATH}`, params, opts.token);
  return call(TWILIO_STATUS_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
}

/** The delivery as the admin API shows it. */
export async function deliveryView(id: string) {
  const res = await adminGet(`/api/v1/deliveries/${id}`);
  if (res.status !== 200) throw new Error(`GET /deliveries/${id} answered ${res.status}`);
  return (await res.json()) as { status: string; provider_reference: string | null; receipt: { status: string; at: string; detail: string | null } | null };
}

// ───────────────────────────── SendGrid ─────────────────────────────

const SENDGRID_KEY = createPrivateKey({
  key: Buffer.from((env as unknown as { LEADGATE_TEST_SENDGRID_SIGNING_KEY: string }).LEADGATE_TEST_SENDGRID_SIGNING_KEY, 'base64'),
  format: 'der',
  type: 'pkcs8',
});

/** An email delivery in the ledger, sent through the worker: SendGrid answers with `messageId` as X-Message-Id. */
export async function sendEmailThroughWorker(db: Database, messageId: string) {
  server.use(http.post('https://api.sendgrid.com/v3/mail/send', () => new HttpResponse(null, { status: 202, headers: { 'x-message-id': messageId } })));
  const { id } = await pendingDelivery(db, {
    destination: 'email',
    key: 'lead_confirmation',
    payload: { template: 'lead_confirmation', to: [{ email: 'ada@acme-test.com', name: 'Ada' }], data: { name: 'Ada', source: 'pricing' } },
  });
  await runDeliveryMessage(id);
  return { id, row: await deliveryRow(db, id) };
}

/**
 * SendGrid's signature as its libraries check it: ECDSA P-256 with SHA-256 over the timestamp header
 * followed by the raw body, base64 of the DER form. `key` signs instead of the configured key's pair.
 */
export function sendgridHeaders(body: string, opts: { timestamp?: number; key?: Parameters<typeof sign>[2] } = {}): Record<string, string> {
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = sign('sha256', Buffer.from(timestamp + body), opts.key ?? SENDGRID_KEY).toString('base64');
  return { 'x-twilio-email-event-webhook-signature': signature, 'x-twilio-email-event-webhook-timestamp': timestamp };
}

/** A batch as SendGrid posts it (JSON array, a trailing CRLF), signed unless `headers` are given. */
export function postSendgridEvents(events: unknown[], headers?: Record<string, string>) {
  const body = `${JSON.stringify(events)}\r\n`;
  return call(SENDGRID_EVENTS_PATH, { method: 'POST', headers: { 'content-type': 'application/json', ...(headers ?? sendgridHeaders(body)) }, body });
}

/** One SendGrid event for the message `messageId` (its sg_message_id carries a per-recipient suffix). */
export function sendgridEvent(messageId: string, event: string, over: Record<string, unknown> = {}) {
  return {
    email: 'ada@acme-test.com',
    timestamp: Math.floor(Date.now() / 1000),
    'smtp-id': `<${messageId}@ismtpd0039p1iad1.sendgrid.net>`,
    event,
    category: ['leadgate'],
    sg_event_id: `ev-${crypto.randomUUID()}`,
    sg_message_id: `${messageId}.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0`,
    ...over,
  };
}

export const uniqueMessageId = () => crypto.randomUUID().replaceAll('-', '').slice(0, 22);
