import { AwsClient } from 'aws4fetch';
import { bytesToBase64, utf8 } from '../../crypto/encoding';
import { callProvider, type Fetcher, type SendResult } from '../provider-call';
import { renderEmail } from './templates';
import type { EmailMessage } from './types';

export interface SesOptions {
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  apiUrl?: string;
  from: { email: string; name?: string };
  timeoutMs: number;
}

const address = (a: { email: string; name?: string }) => (a.name ? `"${a.name.replaceAll('"', '')}" <${a.email}>` : a.email);

/** Amazon SES v2 SendEmail (Simple content, with attachments), signed with SigV4 by aws4fetch. */
export async function sesRequest(o: SesOptions, m: EmailMessage): Promise<Request> {
  const rendered = renderEmail(m.template, m.data);
  const body = {
    FromEmailAddress: address(o.from),
    Destination: { ToAddresses: m.to.map(address) },
    ...(m.replyTo ? { ReplyToAddresses: [address(m.replyTo)] } : {}),
    Content: {
      Simple: {
        Subject: { Data: rendered.subject, Charset: 'UTF-8' },
        Body: { Text: { Data: rendered.text, Charset: 'UTF-8' }, Html: { Data: rendered.html, Charset: 'UTF-8' } },
        ...(m.attachments?.length
          ? {
              Attachments: m.attachments.map((a) => ({
                FileName: a.filename,
                ContentType: a.contentType,
                RawContent: bytesToBase64(utf8(a.content)),
                ContentDisposition: 'ATTACHMENT',
              })),
            }
          : {}),
      },
    },
  };
  const aws = new AwsClient({ accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey, service: 'ses', region: o.region });
  const url = `${o.apiUrl ?? `https://email.${o.region}.amazonaws.com`}/v2/email/outbound-emails`;
  return aws.sign(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

export async function sendWithSes(fetcher: Fetcher, o: SesOptions, m: EmailMessage): Promise<SendResult> {
  return callProvider(fetcher, await sesRequest(o, m), {
    timeoutMs: o.timeoutMs,
    reference: (_res, body) => (body as { MessageId?: string } | undefined)?.MessageId,
  });
}
