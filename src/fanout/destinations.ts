import type { Config } from '../config';
import type { Delivery } from '../db/schema';
import { captureFetch } from '../integrations/capture/capture-fetch';
import { devOutbox } from '../integrations/capture/dev-outbox';
import { upsertHubSpotContacts } from '../integrations/crm/hubspot';
import { syncPipedrivePerson } from '../integrations/crm/pipedrive';
import { sendWithSendGrid } from '../integrations/email/sendgrid';
import { sendWithSes } from '../integrations/email/ses';
import { renderEmail } from '../integrations/email/templates';
import { sendStandardWebhook } from '../integrations/outbound-webhook/standard-webhook';
import type { Fetcher, SendResult } from '../integrations/provider-call';
import { sendSms } from '../integrations/sms/twilio';
import type { CrmContact, EmailMessage, OutboundWebhook, SmsMessage } from './types';

const liveFetch: Fetcher = (request) => fetch(request);

function isLive(config: Config, provider: string): boolean {
  return config.PROVIDER_MODE === 'live' || config.LIVE_PROVIDERS.includes(provider);
}

const notConfigured = (what: string): SendResult => ({ ok: false, retryable: false, error: `${what} is not configured` });

/** One HubSpot batch upsert for several CRM deliveries (live or captured, like a single one). */
export function sendHubSpotBatch(env: Env, config: Config, rows: Delivery[]): Promise<SendResult> {
  if (!config.HUBSPOT_ACCESS_TOKEN && isLive(config, 'hubspot')) return Promise.resolve(notConfigured('HUBSPOT_ACCESS_TOKEN'));
  const fetcher = isLive(config, 'hubspot') ? liveFetch : captureFetch(env, 'crm', 'hubspot');
  return upsertHubSpotContacts(fetcher, { accessToken: config.HUBSPOT_ACCESS_TOKEN ?? 'capture', apiUrl: config.HUBSPOT_API_URL, timeoutMs: config.DELIVERY_TIMEOUT_MS }, rows.map((r) => r.payload as unknown as CrmContact));
}

/** Hands one delivery to its provider (or, in capture mode, to the dev outbox). Never throws for a provider's answer. */
export async function sendDelivery(env: Env, config: Config, d: Delivery): Promise<SendResult> {
  const timeoutMs = config.DELIVERY_TIMEOUT_MS;
  switch (d.destination) {
    case 'email':
      return sendEmail(env, config, d.payload as unknown as EmailMessage);
    case 'crm': {
      const contact = d.payload as unknown as CrmContact;
      const fetcher = isLive(config, d.key) ? liveFetch : captureFetch(env, 'crm', d.key);
      if (d.key === 'hubspot') {
        if (!config.HUBSPOT_ACCESS_TOKEN && isLive(config, 'hubspot')) return notConfigured('HUBSPOT_ACCESS_TOKEN');
        return upsertHubSpotContacts(fetcher, { accessToken: config.HUBSPOT_ACCESS_TOKEN ?? 'capture', apiUrl: config.HUBSPOT_API_URL, timeoutMs }, [contact]);
      }
      if (d.key === 'pipedrive') {
        if (!config.PIPEDRIVE_API_TOKEN && isLive(config, 'pipedrive')) return notConfigured('PIPEDRIVE_API_TOKEN');
        return syncPipedrivePerson(fetcher, { apiToken: config.PIPEDRIVE_API_TOKEN ?? 'capture', apiUrl: config.PIPEDRIVE_API_URL, timeoutMs }, contact);
      }
      return notConfigured(`CRM "${d.key}"`);
    }
    case 'sms': {
      const live = isLive(config, 'twilio');
      if (live && !(config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN && config.TWILIO_FROM)) return notConfigured('Twilio');
      return sendSms(live ? liveFetch : captureFetch(env, 'sms', 'twilio'), {
        accountSid: config.TWILIO_ACCOUNT_SID ?? 'ACcapture', authToken: config.TWILIO_AUTH_TOKEN ?? 'capture', from: config.TWILIO_FROM ?? '+15005550006', apiUrl: config.TWILIO_API_URL, timeoutMs,
      }, d.payload as unknown as SmsMessage);
    }
    case 'webhook': {
      const live = isLive(config, 'product_webhook');
      if (!config.PRODUCT_WEBHOOK_URL || !config.PRODUCT_WEBHOOK_SECRET) {
        if (live) return notConfigured('PRODUCT_WEBHOOK_URL / PRODUCT_WEBHOOK_SECRET');
      }
      return sendStandardWebhook(live ? liveFetch : captureFetch(env, 'webhook', 'product_webhook'), {
        url: config.PRODUCT_WEBHOOK_URL ?? 'https://product.example.com/webhooks/leadgate', secret: config.PRODUCT_WEBHOOK_SECRET ?? 'whsec_Y2FwdHVyZS1tb2RlLXNlY3JldA==', timeoutMs,
      }, d.id, d.payload as unknown as OutboundWebhook);
    }
    default:
      return notConfigured(`destination "${d.destination}"`);
  }
}

async function sendEmail(env: Env, config: Config, m: EmailMessage): Promise<SendResult> {
  const from = { email: config.EMAIL_FROM, name: config.EMAIL_FROM_NAME };
  const timeoutMs = config.DELIVERY_TIMEOUT_MS;
  const provider = config.EMAIL_PROVIDER;
  if (!isLive(config, provider)) {
    // Capture: render exactly what the person would read, attachments included.
    const rendered = renderEmail(m.template, m.data);
    await devOutbox(env).record({
      id: crypto.randomUUID(), at: new Date().toISOString(), kind: 'email', provider: `${provider} (captured)`,
      summary: `${m.template} → ${m.to.map((t) => t.email).join(', ')}: ${rendered.subject}`,
      data: { from, to: m.to, reply_to: m.replyTo, template: m.template, ...rendered, attachments: m.attachments ?? [] },
    });
    return { ok: true, statusCode: 202, reference: 'captured' };
  }
  if (provider === 'sendgrid') {
    if (!config.SENDGRID_API_KEY) return notConfigured('SENDGRID_API_KEY');
    return sendWithSendGrid(liveFetch, { apiKey: config.SENDGRID_API_KEY, apiUrl: config.SENDGRID_API_URL, from, templateIds: config.SENDGRID_TEMPLATE_IDS, timeoutMs }, m);
  }
  if (!config.SES_ACCESS_KEY_ID || !config.SES_SECRET_ACCESS_KEY) return notConfigured('SES credentials');
  return sendWithSes(liveFetch, { region: config.SES_REGION, accessKeyId: config.SES_ACCESS_KEY_ID, secretAccessKey: config.SES_SECRET_ACCESS_KEY, apiUrl: config.SES_API_URL, from, timeoutMs }, m);
}
