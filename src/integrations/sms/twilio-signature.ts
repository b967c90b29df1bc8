import { z } from 'zod';
import { sha256Hex } from '../../crypto/digest';
import { base64ToBytes, bytesToBase64 } from '../../crypto/encoding';
import { hmac, hmacMatches, secretsEqual } from '../../crypto/hmac';
import { bodyDeliveryId, boundedId, decodeBody } from '../webhooks/verify/body';
import { type InboundWebhook, reject, type Verification } from '../webhooks/verify/types';

type Params = Iterable<readonly [string, string]>;

/**
 * What Twilio signs: the full URL, then for a form POST every parameter sorted by name, each name
 * immediately followed by its value, no separators. A name given several times contributes each of its
 * distinct values in sorted order (as Twilio's own libraries do). Sorting is by UTF-16 code units, which
 * is what their `sort()` does too.
 */
export function twilioSignedContent(url: string, params: Params = []): string {
  const byName = new Map<string, Set<string>>();
  for (const [name, value] of params) byName.set(name, (byName.get(name) ?? new Set()).add(value));
  let content = url;
  for (const name of [...byName.keys()].sort()) {
    for (const value of [...byName.get(name)!].sort()) content += name + value;
  }
  return content;
}

/** X-Twilio-Signature for a request: base64(HMAC-SHA1(auth token, signed content)). For the capture twin and tests. */
export async function twilioSignature(authToken: string, url: string, params: Params = []): Promise<string> {
  return bytesToBase64(await hmac(authToken, twilioSignedContent(url, params), 'SHA-1'));
}

/**
 * The URL spellings Twilio may have signed: as received, and with the scheme's default port added or
 * removed — Twilio's back end is not consistent about the port, so its libraries accept both.
 */
function urlCandidates(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const defaultPort = parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : '';
  const withoutPort = new URL(parsed.href);
  withoutPort.port = '';
  const candidates = [url, withoutPort.href];
  if (defaultPort && (parsed.port === '' || parsed.port === defaultPort)) {
    const auth = parsed.username ? `${parsed.username}${parsed.password ? `:${parsed.password}` : ''}@` : '';
    candidates.push(`${parsed.protocol}//${auth}${parsed.hostname}:${defaultPort}${parsed.pathname}${parsed.search}`);
  }
  return [...new Set(candidates)];
}

/**
 * Checks X-Twilio-Signature on the raw request. A form POST signs its parameters; a JSON body is signed
 * through the `bodySHA256` query parameter instead (hex SHA-256 of the body), with the URL alone under
 * the HMAC. Twilio signs no timestamp, so a captured request can be replayed: the delivery id (message
 * and status for a status callback) is what makes a replay harmless.
 */
export async function verifyTwilioSignature(req: InboundWebhook, secrets: { authToken?: string }): Promise<Verification> {
  if (!secrets.authToken) return reject('not_configured');
  const header = req.headers.get('x-twilio-signature');
  if (!header) return reject('missing_header');
  const mac = base64ToBytes(header);
  // Canonical base64 only: Twilio's libraries compare the text, and a spelling that differs in base64's
  // spare bits is not the signature Twilio sent.
  if (mac?.byteLength !== 20 || bytesToBase64(mac) !== header.trim()) return reject('malformed_header');

  const bodyHash = searchParam(req.url, 'bodySHA256');
  const params = bodyHash === null && req.rawBody.byteLength > 0 ? [...new URLSearchParams(decodeBody(req.rawBody))] : [];
  if (bodyHash !== null && !(await secretsEqual(bodyHash.toLowerCase(), await sha256Hex(req.rawBody)))) return reject('bad_signature');

  let matched = false;
  // Every spelling is checked, so the time taken does not tell which one matched.
  for (const url of urlCandidates(req.url)) matched = (await hmacMatches(secrets.authToken, twilioSignedContent(url, params), mac, 'SHA-1')) || matched;
  if (!matched) return reject('bad_signature');
  return { ok: true, deliveryId: await twilioDeliveryId(params, req.rawBody) };
}

function searchParam(url: string, name: string): string | null {
  try {
    return new URL(url).searchParams.get(name);
  } catch {
    return null;
  }
}

/** A status callback is one message's one transition; Twilio's retry of it repeats both. */
async function twilioDeliveryId(params: Array<[string, string]>, rawBody: Uint8Array): Promise<string> {
  const get = (name: string) => params.find(([n]) => n === name)?.[1];
  const sid = get('MessageSid');
  const status = get('MessageStatus');
  return sid && status ? boundedId('message:', `${sid}:${status}`) : bodyDeliveryId(rawBody);
}

/** The statuses a Message goes through (the callback is sent on each change after the first). */
export const TWILIO_MESSAGE_STATUSES = [
  'accepted',
  'scheduled',
  'canceled',
  'queued',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'failed',
  'read',
  'partially_delivered',
] as const;

/** Twilio leaves a field out or sends it empty; both mean "not given". */
const optionalField = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/** The fields of a status callback Leadgate reads; Twilio sends more and may add any, so the rest are ignored. */
const TwilioStatusCallbackSchema = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-f]{32}$/i, 'must be a Message SID'),
  MessageStatus: z.enum(TWILIO_MESSAGE_STATUSES),
  ErrorCode: optionalField(z.coerce.number().int().positive()),
  To: z.string().min(1).max(100),
  From: optionalField(z.string().max(100)),
  AccountSid: optionalField(z.string().max(64)),
});
export type TwilioStatusCallback = z.infer<typeof TwilioStatusCallbackSchema>;

/** A status callback's form body (only after its signature was verified), or why it is not one. */
export function parseTwilioStatusCallback(rawBody: Uint8Array | string): { ok: true; callback: TwilioStatusCallback } | { ok: false; issues: string[] } {
  const form = new URLSearchParams(typeof rawBody === 'string' ? rawBody : decodeBody(rawBody));
  const parsed = TwilioStatusCallbackSchema.safeParse(Object.fromEntries(form));
  if (parsed.success) return { ok: true, callback: parsed.data };
  return { ok: false, issues: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`) };
}
