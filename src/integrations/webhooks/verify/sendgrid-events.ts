import { z } from 'zod';
import { base64ToBytes, bytesToBase64, concatBytes } from '../../../crypto/encoding';
import { bodyDeliveryId, boundedId, isRecord, parseJson } from './body';
import { type InboundWebhook, reject, type Verification } from './types';

const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** The configured verification key (base64 DER SubjectPublicKeyInfo, as SendGrid shows it), or null when it is not a P-256 key. */
export async function importSendgridVerificationKey(publicKey: string): Promise<CryptoKey | null> {
  const spki = base64ToBytes(publicKey);
  if (!spki) return null;
  try {
    return await crypto.subtle.importKey('spki', spki, P256, false, ['verify']);
  } catch {
    return null;
  }
}

/**
 * An ECDSA signature in DER (SEQUENCE of the INTEGERs r and s), as SendGrid sends it, turned into the
 * 64 bytes r‖s that WebCrypto verifies (IEEE P1363). Each integer loses the zero byte DER puts before a
 * high bit, and is left-padded to 32 bytes. For P-256 every DER length fits in one byte, so a long-form
 * length, a negative integer, trailing bytes or an integer wider than 32 bytes is not a signature: null.
 */
export function derSignatureToRaw(der: Uint8Array): Uint8Array | null {
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) return null;
  const raw = new Uint8Array(64);
  let at = 2;
  for (const offset of [0, 32]) {
    const length = der[at + 1];
    if (der[at] !== 0x02 || length === undefined || length < 1 || at + 2 + length > der.length) return null;
    let integer = der.subarray(at + 2, at + 2 + length);
    if (integer[0]! & 0x80) return null;
    while (integer.length > 1 && integer[0] === 0) integer = integer.subarray(1);
    if (integer.length > 32) return null;
    raw.set(integer, offset + 32 - integer.length);
    at += 2 + length;
  }
  return at === der.length ? raw : null;
}

/**
 * SendGrid's signed Event Webhook: `X-Twilio-Email-Event-Webhook-Signature` is base64 DER ECDSA
 * (P-256, SHA-256) over the bytes of the timestamp header followed by the raw body, exactly as sent
 * (a trailing CRLF included). The timestamp (Unix seconds) must be within the tolerance: SendGrid's own
 * libraries do not check it, but without it a captured delivery could be replayed for ever.
 */
export async function verifySendgridEvents(req: InboundWebhook, secrets: { publicKey?: string; toleranceSeconds: number }, now: Date): Promise<Verification> {
  const key = secrets.publicKey ? await importSendgridVerificationKey(secrets.publicKey) : null;
  if (!key) return reject('not_configured');
  const signature = req.headers.get('x-twilio-email-event-webhook-signature');
  const timestamp = req.headers.get('x-twilio-email-event-webhook-timestamp');
  if (!signature || !timestamp) return reject('missing_header');
  if (!/^\d{1,12}$/.test(timestamp)) return reject('malformed_header');
  const der = base64ToBytes(signature);
  // Canonical base64 only, so one signature has one spelling.
  const raw = der && bytesToBase64(der) === signature.trim() ? derSignatureToRaw(der) : null;
  if (!raw) return reject('malformed_header');
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > secrets.toleranceSeconds) return reject('timestamp_outside_window');

  const valid = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, raw, concatBytes(timestamp, req.rawBody));
  if (!valid) return reject('bad_signature');
  return { ok: true, deliveryId: await sendgridDeliveryId(req.rawBody) };
}

/** A retried batch repeats its events, each named by `sg_event_id`: the batch is its sorted ids. */
async function sendgridDeliveryId(rawBody: Uint8Array): Promise<string> {
  const body = parseJson(rawBody);
  if (Array.isArray(body) && body.length > 0 && body.every((e) => isRecord(e) && typeof e.sg_event_id === 'string')) {
    return boundedId(
      'events:',
      body
        .map((e) => (e as { sg_event_id: string }).sg_event_id)
        .sort()
        .join(','),
    );
  }
  return bodyDeliveryId(rawBody);
}

/** Delivery events, then engagement events (SendGrid's Event Webhook reference). */
export const SENDGRID_EVENT_TYPES = [
  'processed',
  'dropped',
  'delivered',
  'deferred',
  'bounce',
  'open',
  'click',
  'spamreport',
  'unsubscribe',
  'group_unsubscribe',
  'group_resubscribe',
] as const;

/** The fields Leadgate reads; custom args and the rest of what SendGrid sends are ignored. */
const SendgridEventSchema = z.object({
  sg_event_id: z.string().min(1).max(200),
  sg_message_id: z.string().min(1).max(500).optional(),
  event: z.enum(SENDGRID_EVENT_TYPES),
  email: z.string().min(1).max(320),
  timestamp: z.number().int().nonnegative(),
  /** dropped, bounce, deferred: why. */
  reason: z.string().max(2000).optional(),
  /** bounce: "bounce" or "blocked". */
  type: z.string().max(40).optional(),
  /** click: the link. */
  url: z.string().max(4000).optional(),
  category: z.union([z.string(), z.array(z.string())]).optional(),
});
export type SendgridEvent = z.infer<typeof SendgridEventSchema> & {
  /**
   * The `X-Message-Id` the send was answered with: `sg_message_id` is it plus a suffix per recipient
   * ("<X-Message-Id>.filterdrecv-…").
   */
  messageId?: string;
};

/**
 * The events of a verified batch. One event Leadgate cannot read (a type added after this was written,
 * a field missing) is counted in `skipped` instead of failing the batch: refusing it would make SendGrid
 * retry the good events with it for a day.
 */
export function parseSendgridEvents(rawBody: Uint8Array | string): { ok: true; events: SendgridEvent[]; skipped: number } | { ok: false } {
  const body = parseJson(rawBody);
  if (!Array.isArray(body)) return { ok: false };
  const events: SendgridEvent[] = [];
  for (const item of body) {
    const parsed = SendgridEventSchema.safeParse(item);
    if (parsed.success) events.push({ ...parsed.data, messageId: parsed.data.sg_message_id?.split('.')[0] });
  }
  return { ok: true, events, skipped: body.length - events.length };
}
