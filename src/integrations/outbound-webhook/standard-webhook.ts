import { callProvider, type Fetcher, type SendResult } from '../provider-call';
import { signStandardWebhook } from '../webhooks/standard-signature';
import type { OutboundWebhook } from './types';

export interface OutboundWebhookOptions {
  url: string;
  /** whsec_<base64 key> */
  secret: string;
  timeoutMs: number;
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
