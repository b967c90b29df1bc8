import { type Config, providerIsLive } from '../config';
import type { Delivery } from '../db/schema';
import { captureFetch } from '../integrations/capture/capture-fetch';
import { CaptureSink } from '../integrations/capture/capture-log';
import { syncHubSpotMeeting, upsertHubSpotContacts } from '../integrations/crm/hubspot';
import { syncPipedriveDeal, syncPipedriveMeeting, syncPipedrivePerson } from '../integrations/crm/pipedrive';
import type { CrmContact, CrmSync } from '../integrations/crm/types';
import { sendWithSendGrid } from '../integrations/email/sendgrid';
import { sendWithSes } from '../integrations/email/ses';
import { renderEmail } from '../integrations/email/templates';
import type { EmailMessage } from '../integrations/email/types';
import { sendStandardWebhook } from '../integrations/outbound-webhook/standard-webhook';
import type { OutboundWebhook } from '../integrations/outbound-webhook/types';
import type { Fetcher, SendResult } from '../integrations/provider-call';
import { sendSms } from '../integrations/sms/twilio';
import type { SmsMessage } from '../integrations/sms/types';

const liveFetch: Fetcher = (request) => fetch(request);

const isLive = providerIsLive;

const notConfigured = (what: string): SendResult => ({ ok: false, retryable: false, error: `${what} is not configured` });

/** A CRM row's payload; rows written before meetings existed hold the contact alone. */
export function crmSyncOf(d: Delivery): CrmSync {
  const payload = d.payload as unknown as CrmSync | CrmContact;
  return 'kind' in payload ? payload : { kind: 'contact', contact: payload };
}

/** One HubSpot batch upsert for several CRM contact deliveries (live or captured, like a single one). */
export function sendHubSpotBatch(capture: CaptureSink, config: Config, rows: Delivery[]): Promise<SendResult> {
  const { crm, delivery } = config;
  const live = isLive(delivery, 'hubspot');
  if (!crm.hubspot.accessToken && live) return Promise.resolve(notConfigured('HUBSPOT_ACCESS_TOKEN'));
  const fetcher = live ? liveFetch : captureFetch(capture, 'crm', 'hubspot');
  const contacts = rows.map((r) => crmSyncOf(r).contact);
  return upsertHubSpotContacts(
    fetcher,
    { accessToken: crm.hubspot.accessToken ?? 'capture', apiUrl: crm.hubspot.apiUrl, timeoutMs: delivery.timeoutMs },
    contacts,
  );
}

/**
 * Hands one delivery to its provider (or, in capture mode, to `capture`; without one, to a capture of its
 * own written at once). Never throws for a provider's answer.
 */
export async function sendDelivery(env: Env, config: Config, d: Delivery, capture?: CaptureSink): Promise<SendResult> {
  if (capture) return send(config, d, capture);
  const own = new CaptureSink(env);
  const result = await send(config, d, own);
  await own.flush();
  return result;
}

function send(config: Config, d: Delivery, capture: CaptureSink): Promise<SendResult> {
  switch (d.destination) {
    case 'email':
      return sendEmail(capture, config, d.payload as unknown as EmailMessage);
    case 'crm':
      return sendCrm(capture, config, d.key, crmSyncOf(d));
    case 'sms': {
      const { sms, delivery } = config;
      const live = isLive(delivery, 'twilio');
      if (live && !(sms.accountSid && sms.authToken && sms.from)) return Promise.resolve(notConfigured('Twilio'));
      return sendSms(
        live ? liveFetch : captureFetch(capture, 'sms', 'twilio'),
        {
          accountSid: sms.accountSid ?? 'ACcapture',
          authToken: sms.authToken ?? 'capture',
          from: sms.from ?? '+15005550006',
          apiUrl: sms.apiUrl,
          timeoutMs: delivery.timeoutMs,
        },
        d.payload as unknown as SmsMessage,
      );
    }
    case 'webhook': {
      const { delivery } = config;
      // Pipeline events (key `pipeline:<type>`) go to the pipeline's subscriber; the rest to the product.
      const pipeline = d.key.startsWith('pipeline:');
      const target = pipeline
        ? {
            name: 'pipeline_webhook',
            url: config.pipeline.webhook.url,
            secret: config.pipeline.webhook.secret,
            vars: 'PIPELINE_WEBHOOK_URL / PIPELINE_WEBHOOK_SECRET',
          }
        : {
            name: 'product_webhook',
            url: config.productWebhook.url,
            secret: config.productWebhook.secret,
            vars: 'PRODUCT_WEBHOOK_URL / PRODUCT_WEBHOOK_SECRET',
          };
      const live = isLive(delivery, target.name);
      if (live && (!target.url || !target.secret)) return Promise.resolve(notConfigured(target.vars));
      return sendStandardWebhook(
        live ? liveFetch : captureFetch(capture, 'webhook', target.name),
        {
          url: target.url ?? `https://${target.name.replace('_', '-')}.example.com/webhooks/leadgate`,
          secret: target.secret ?? 'whsec_Y2FwdHVyZS1tb2RlLXNlY3JldA==',
          timeoutMs: delivery.timeoutMs,
        },
        d.id,
        d.payload as unknown as OutboundWebhook,
      );
    }
    default:
      return Promise.resolve(notConfigured(`destination "${d.destination}"`));
  }
}

function sendCrm(capture: CaptureSink, config: Config, provider: string, sync: CrmSync): Promise<SendResult> {
  const { crm, delivery } = config;
  const live = isLive(delivery, provider);
  const fetcher = live ? liveFetch : captureFetch(capture, 'crm', provider);
  const timeoutMs = delivery.timeoutMs;
  if (provider === 'hubspot') {
    if (!crm.hubspot.accessToken && live) return Promise.resolve(notConfigured('HUBSPOT_ACCESS_TOKEN'));
    const o = { accessToken: crm.hubspot.accessToken ?? 'capture', apiUrl: crm.hubspot.apiUrl, timeoutMs };
    // A deal is HubSpot's lifecycle stage and lead status on the contact (its status says where the sale is).
    return sync.kind === 'meeting' ? syncHubSpotMeeting(fetcher, o, sync.contact, sync.meeting) : upsertHubSpotContacts(fetcher, o, [sync.contact]);
  }
  if (provider === 'pipedrive') {
    if (!crm.pipedrive.apiToken && live) return Promise.resolve(notConfigured('PIPEDRIVE_API_TOKEN'));
    const o = { apiToken: crm.pipedrive.apiToken ?? 'capture', apiUrl: crm.pipedrive.apiUrl, timeoutMs };
    if (sync.kind === 'meeting') return syncPipedriveMeeting(fetcher, o, sync.contact, sync.meeting);
    if (sync.kind === 'deal') return syncPipedriveDeal(fetcher, o, sync.contact, sync.deal);
    return syncPipedrivePerson(fetcher, o, sync.contact);
  }
  return Promise.resolve(notConfigured(`CRM "${provider}"`));
}

async function sendEmail(capture: CaptureSink, config: Config, m: EmailMessage): Promise<SendResult> {
  const { email, delivery } = config;
  const provider = email.provider;
  if (!isLive(delivery, provider)) {
    // Capture: render exactly what the person would read, attachments included.
    const rendered = renderEmail(m.template, m.data);
    capture.add({
      kind: 'email',
      provider: `${provider} (captured)`,
      summary: `${m.template} → ${m.to.map((t) => t.email).join(', ')}: ${rendered.subject}`,
      data: { from: email.from, to: m.to, reply_to: m.replyTo, template: m.template, ...rendered, attachments: m.attachments ?? [] },
    });
    return { ok: true, statusCode: 202, reference: 'captured' };
  }
  if (provider === 'sendgrid') {
    if (!email.sendgrid.apiKey) return notConfigured('SENDGRID_API_KEY');
    return sendWithSendGrid(
      liveFetch,
      {
        apiKey: email.sendgrid.apiKey,
        apiUrl: email.sendgrid.apiUrl,
        from: email.from,
        templateIds: email.sendgrid.templateIds,
        timeoutMs: delivery.timeoutMs,
      },
      m,
    );
  }
  if (!email.ses.accessKeyId || !email.ses.secretAccessKey) return notConfigured('SES credentials');
  return sendWithSes(
    liveFetch,
    {
      region: email.ses.region,
      accessKeyId: email.ses.accessKeyId,
      secretAccessKey: email.ses.secretAccessKey,
      apiUrl: email.ses.apiUrl,
      from: email.from,
      timeoutMs: delivery.timeoutMs,
    },
    m,
  );
}
