import { callProvider, type Fetcher, type SendResult } from '../provider-call';
import type { SmsMessage } from './types';

export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  from: string;
  apiUrl: string;
  timeoutMs: number;
  /** Where Twilio posts the message's status changes (sent, delivered, undelivered, failed). */
  statusCallback?: string;
}

/** Twilio Programmable Messaging: POST /2010-04-01/Accounts/{Sid}/Messages.json (form-encoded, Basic auth). */
export function sendSms(fetcher: Fetcher, o: TwilioOptions, m: SmsMessage): Promise<SendResult> {
  const request = new Request(`${o.apiUrl}/2010-04-01/Accounts/${o.accountSid}/Messages.json`, {
    method: 'POST',
    headers: { authorization: `Basic ${btoa(`${o.accountSid}:${o.authToken}`)}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ To: m.to, From: o.from, Body: m.body, ...(o.statusCallback ? { StatusCallback: o.statusCallback } : {}) }).toString(),
  });
  return callProvider(fetcher, request, { timeoutMs: o.timeoutMs, reference: (_r, body) => (body as { sid?: string } | undefined)?.sid });
}
