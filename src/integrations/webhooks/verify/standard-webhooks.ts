import { base64ToBytes } from '../../../crypto/encoding';
import { standardSignatureMatches, standardWebhookKey } from '../standard-signature';
import { boundedId } from './body';
import { type InboundWebhook, reject, type Verification } from './types';

/**
 * Standard Webhooks (standardwebhooks.com): `webhook-signature` is a space-separated list of
 * `v1,<base64 HMAC-SHA256 of "${webhook-id}.${webhook-timestamp}.${body}">`. Any listed signature by
 * any configured secret passes, so a sender and Leadgate can rotate keys without a gap.
 */
export async function verifyStandardWebhook(req: InboundWebhook, secrets: { secrets: string[]; toleranceSeconds: number }, now: Date): Promise<Verification> {
  const keys = secrets.secrets.map(standardWebhookKey).filter((k): k is Uint8Array => !!k && k.length > 0);
  if (keys.length === 0) return reject('not_configured');
  const id = req.headers.get('webhook-id');
  const timestamp = req.headers.get('webhook-timestamp');
  const signatureHeader = req.headers.get('webhook-signature');
  if (!id || !timestamp || !signatureHeader) return reject('missing_header');
  if (!/^\d{1,12}$/.test(timestamp) || id.length > 256) return reject('malformed_header');
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > secrets.toleranceSeconds) return reject('timestamp_outside_window');

  const signatures = signatureHeader
    .split(' ')
    .map((part) => part.split(','))
    .filter(([version, value]) => version === 'v1' && !!value)
    .map(([, value]) => base64ToBytes(value!))
    .filter((s): s is Uint8Array => !!s)
    .slice(0, 10);
  if (signatures.length === 0) return reject('malformed_header');

  for (const key of keys) {
    for (const signature of signatures) {
      if (await standardSignatureMatches(key, id, timestamp, req.rawBody, signature)) return { ok: true, deliveryId: await boundedId('', id) };
    }
  }
  return reject('bad_signature');
}
