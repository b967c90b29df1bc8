import type { OutboundWebhook } from '../../fanout/types';
import { callProvider, type Fetcher, type SendResult } from '../provider-call';

export interface OutboundWebhookOptions {
  url: string;
  /** whsec_<base64 key> */
  secret: string;
  timeoutMs: number;
}

function decodeSecret(secret: string): Uint8Array {
  const raw = atob(secret.replace(/^whsec_/, ''));
  return Uint8Array.from(raw, (ch) => ch.charCodeAt(0));
}

/** Standard Webhooks signature: v1,base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`)). */
export async function signStandardWebhook(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', decodeSecret(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${id}.${timestamp}.${body}`)));
  return `v1,${btoa(String.fromCharCode(...mac))}`;
}

/** Sends one notification. `id` is the delivery id, so the receiver can drop our retries as duplicates. */
export async function sendStandardWebhook(fetcher: Fetcher, o: OutboundWebhookOptions, id: string, w: OutboundWebhook, now = Date.now()): Promise<SendResult> {
  const timestamp = Math.floor(now / 1000);
  const body = JSON.stringify({ type: w.type, timestamp: new Date(now).toISOString(), data: w.data });
  const request = new Request(o.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': await signStandardWebhook(o.secret, id, timestamp, body),
    },
    body,
  });
  return callProvider(fetcher, request, { timeoutMs: o.timeoutMs });
}
