import { secretsEqual } from '../../../crypto/hmac';
import { bodyDeliveryId, boundedId, isRecord, parseJson } from './body';
import { type InboundWebhook, reject, type Verification } from './types';

/**
 * Pipedrive does not sign its webhooks: the HTTP Basic credentials given when the webhook was created
 * come back on every call. Both parts are compared in constant time (hashed to equal length first).
 */
export async function verifyPipedrive(req: InboundWebhook, secrets: { user?: string; password?: string }): Promise<Verification> {
  if (!secrets.user || !secrets.password) return reject('not_configured');
  const header = req.headers.get('authorization');
  if (!header) return reject('missing_header');
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return reject('malformed_header');
  let decoded: string;
  try {
    decoded = atob(match[1]!);
  } catch {
    return reject('malformed_header');
  }
  const colon = decoded.indexOf(':');
  if (colon < 0) return reject('malformed_header');
  // Both comparisons always run, so a right user name with a wrong password takes as long as neither.
  const [userOk, passwordOk] = await Promise.all([
    secretsEqual(decoded.slice(0, colon), secrets.user),
    secretsEqual(decoded.slice(colon + 1), secrets.password),
  ]);
  if (!userOk || !passwordOk) return reject('bad_credentials');
  return { ok: true, deliveryId: await pipedriveDeliveryId(req.rawBody) };
}

/**
 * Webhooks v2 give every event a UUID in `meta.id`. v1 reused the object's id there, so the event is
 * the object plus its change time; anything else falls back to the body's hash.
 */
async function pipedriveDeliveryId(rawBody: Uint8Array): Promise<string> {
  const body = parseJson(rawBody);
  const meta = isRecord(body) && isRecord(body.meta) ? body.meta : undefined;
  if (meta && String(meta.version ?? '').startsWith('2') && meta.id !== undefined) return boundedId('v2:', String(meta.id));
  if (meta && meta.id !== undefined && (meta.timestamp_micro ?? meta.timestamp) !== undefined) {
    return boundedId('v1:', `${String(meta.object ?? '')}:${String(meta.id)}:${String(meta.action ?? '')}:${String(meta.timestamp_micro ?? meta.timestamp)}`);
  }
  return bodyDeliveryId(rawBody);
}
