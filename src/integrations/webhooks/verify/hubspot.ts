import { base64ToBytes, concatBytes, utf8 } from '../../../crypto/encoding';
import { hmacSha256Matches } from '../../../crypto/hmac';
import { bodyDeliveryId, boundedId, isRecord, parseJson } from './body';
import { type InboundWebhook, reject, type Verification } from './types';

/** The percent-escapes HubSpot decodes in the URI before it signs (its request-validation docs). */
const DECODED: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

/** The URI as HubSpot signs it: the listed escapes decoded, no fragment. */
export function hubspotSignedUri(url: string): string {
  return url.split('#')[0]!.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => DECODED[m.toUpperCase()]!);
}

/**
 * HubSpot signature v3: `X-HubSpot-Signature-v3` = base64(HMAC-SHA256(client secret,
 * method + URI + raw body + X-HubSpot-Request-Timestamp)); the timestamp is in milliseconds and
 * must be within the tolerance (HubSpot: 5 minutes).
 */
export async function verifyHubspot(req: InboundWebhook, secrets: { clientSecret?: string; toleranceSeconds: number }, now: Date): Promise<Verification> {
  if (!secrets.clientSecret) return reject('not_configured');
  const signature = req.headers.get('x-hubspot-signature-v3');
  const timestamp = req.headers.get('x-hubspot-request-timestamp');
  if (!signature || !timestamp) return reject('missing_header');
  if (!/^\d{1,16}$/.test(timestamp)) return reject('malformed_header');
  if (Math.abs(now.getTime() - Number(timestamp)) > secrets.toleranceSeconds * 1000) return reject('timestamp_outside_window');
  const given = base64ToBytes(signature);
  if (!given) return reject('malformed_header');

  const signed = concatBytes(`${req.method.toUpperCase()}${hubspotSignedUri(req.url)}`, req.rawBody, timestamp);
  if (!(await hmacSha256Matches(utf8(secrets.clientSecret), signed, given))) return reject('bad_signature');
  return { ok: true, deliveryId: await hubspotDeliveryId(req.rawBody) };
}

/**
 * A webhooks-API batch names its events (`eventId`), and a retry resends the same events with a
 * higher `attemptNumber`: the batch is its sorted event ids. A workflow webhook carries no id, so
 * identical bytes are the same delivery.
 */
async function hubspotDeliveryId(rawBody: Uint8Array): Promise<string> {
  const body = parseJson(rawBody);
  if (Array.isArray(body) && body.length > 0 && body.every((e) => isRecord(e) && e.eventId !== undefined)) {
    const ids = body.map((e) => String((e as Record<string, unknown>).eventId)).sort();
    return boundedId('events:', ids.join(','));
  }
  return bodyDeliveryId(rawBody);
}
