import { base64ToBytes, bytesToBase64, concatBytes } from '../../crypto/encoding';
import { hmacSha256, hmacSha256Matches } from '../../crypto/hmac';

/**
 * Standard Webhooks (standardwebhooks.com) signatures, both ways: `v1,<base64 HMAC-SHA256 of
 * "${webhook-id}.${webhook-timestamp}.${body}">`, keyed by the base64 after `whsec_`.
 *
 * The `standardwebhooks` npm package implements the same scheme, but verifies a decoded string and
 * fixes its own tolerance; inbound deliveries here must be verified on their exact bytes, with the
 * replay window from configuration, so both directions share this one implementation (tested against
 * the scheme's published vector).
 */
export function standardWebhookKey(secret: string): Uint8Array | null {
  return base64ToBytes(secret.trim().replace(/^whsec_/, ''));
}

const signedContent = (id: string, timestamp: string, body: string | Uint8Array) => concatBytes(`${id}.${timestamp}.`, body);

export async function signStandardWebhook(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const key = standardWebhookKey(secret);
  if (!key) throw new Error('the Standard Webhooks secret is not whsec_<base64>');
  return `v1,${bytesToBase64(await hmacSha256(key, signedContent(id, String(timestamp), body)))}`;
}

export function standardSignatureMatches(key: Uint8Array, id: string, timestamp: string, body: Uint8Array, signature: Uint8Array): Promise<boolean> {
  return hmacSha256Matches(key, signedContent(id, timestamp, body), signature);
}
