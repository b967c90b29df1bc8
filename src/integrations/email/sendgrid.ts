import { bytesToBase64, utf8 } from '../../crypto/encoding';
import { callProvider, type Fetcher, type SendResult } from '../provider-call';
import { renderEmail } from './templates';
import type { EmailMessage } from './types';

export interface SendGridOptions {
  apiKey: string;
  apiUrl: string;
  from: { email: string; name?: string };
  /** Leadgate template name → SendGrid dynamic template id. Others are sent rendered by Leadgate. */
  templateIds: ReadonlyMap<string, string>;
  timeoutMs: number;
}

/** Twilio SendGrid v3 Mail Send: https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send */
export function sendGridRequest(o: SendGridOptions, m: EmailMessage): Request {
  const templateId = o.templateIds.get(m.template);
  const personalization: Record<string, unknown> = { to: m.to };
  const body: Record<string, unknown> = { personalizations: [personalization], from: o.from };
  if (m.replyTo) body.reply_to = m.replyTo;
  if (templateId) {
    body.template_id = templateId;
    personalization.dynamic_template_data = m.data;
  } else {
    const rendered = renderEmail(m.template, m.data);
    body.subject = rendered.subject;
    body.content = [
      { type: 'text/plain', value: rendered.text },
      { type: 'text/html', value: rendered.html },
    ];
  }
  if (m.attachments?.length) {
    body.attachments = m.attachments.map((a) => ({
      content: bytesToBase64(utf8(a.content)),
      filename: a.filename,
      type: a.contentType,
      disposition: 'attachment',
    }));
  }
  return new Request(`${o.apiUrl}/v3/mail/send`, {
    method: 'POST',
    headers: { authorization: `Bearer ${o.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export function sendWithSendGrid(fetcher: Fetcher, o: SendGridOptions, m: EmailMessage): Promise<SendResult> {
  return callProvider(fetcher, sendGridRequest(o, m), {
    timeoutMs: o.timeoutMs,
    reference: (res) => res.headers.get('x-message-id') ?? undefined,
  });
}
