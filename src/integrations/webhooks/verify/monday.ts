import { errors, jwtVerify } from 'jose';
import { utf8 } from '../../../crypto/encoding';
import { bodyDeliveryId, boundedId, isRecord, parseJson } from './body';
import { type InboundWebhook, reject, type Verification } from './types';

/**
 * monday.com's URL handshake: `{"challenge": "…"}` answered with the same JSON. It changes nothing,
 * so it is answered without a token (board webhooks created in the UI send none).
 */
export function mondayChallenge(rawBody: string): string | null {
  const body = parseJson(rawBody);
  if (!isRecord(body) || Object.keys(body).length !== 1 || typeof body.challenge !== 'string') return null;
  return body.challenge.length > 0 && body.challenge.length <= 512 ? body.challenge : null;
}

/**
 * Every other call carries an `Authorization` JWT signed (HS256) with the app's signing secret. It must
 * verify, be unexpired, and — when it names an audience — be addressed to this very URL.
 */
export async function verifyMonday(req: InboundWebhook, secrets: { signingSecret?: string }, now: Date): Promise<Verification> {
  if (!secrets.signingSecret) return reject('not_configured');
  const header = req.headers.get('authorization');
  if (!header) return reject('missing_header');
  const token = header.replace(/^Bearer\s+/i, '').trim();
  if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) return reject('malformed_header');
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(token, utf8(secrets.signingSecret), { algorithms: ['HS256'], currentDate: now, requiredClaims: ['exp'] }));
  } catch (err) {
    return reject(err instanceof errors.JWTExpired ? 'token_expired' : 'invalid_token');
  }
  if (claims.aud !== undefined && !audienceMatches(claims.aud, req.url)) return reject('wrong_audience');
  return { ok: true, deliveryId: await mondayDeliveryId(req.rawBody) };
}

function audienceMatches(aud: unknown, url: string): boolean {
  const strip = (u: string) => u.split('?')[0]!.replace(/\/+$/, '');
  const audiences = Array.isArray(aud) ? aud : [aud];
  return audiences.some((a) => typeof a === 'string' && strip(a) === strip(url));
}

/** Board webhooks name each trigger (`event.triggerUuid`); a retry repeats it. */
async function mondayDeliveryId(rawBody: Uint8Array): Promise<string> {
  const body = parseJson(rawBody);
  const event = isRecord(body) && isRecord(body.event) ? body.event : undefined;
  if (event && typeof event.triggerUuid === 'string' && event.triggerUuid) return boundedId('trigger:', event.triggerUuid);
  return bodyDeliveryId(rawBody);
}
