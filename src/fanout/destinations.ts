import { type Config, providerIsLive } from '../config';
import type { Delivery } from '../db/schema';
import { sendChatbotEvents } from '../integrations/analytics/ga4';
import { captureFetch } from '../integrations/capture/capture-fetch';
import { CaptureSink } from '../integrations/capture/capture-log';
import { syncHubSpotMeeting, upsertHubSpotContacts } from '../integrations/crm/hubspot';
import { syncPipedriveDeal, syncPipedriveMeeting, syncPipedrivePerson } from '../integrations/crm/pipedrive';
import type { CrmContact, CrmSync } from '../integrations/crm/types';
import { sendWithSendGrid } from '../integrations/email/sendgrid';
import { sendWithSes } from '../integrations/email/ses';
import { renderEmail } from '../integrations/email/templates';
import type { EmailMessage } from '../integrations/email/types';
import { upsertItemByEmail } from '../integrations/monday/client';
import { buildMondayItem } from '../integrations/monday/columns';
import { sendStandardWebhook } from '../integrations/outbound-webhook/standard-webhook';
import type { OutboundWebhook } from '../integrations/outbound-webhook/types';
import type { Fetcher, SendResult } from '../integrations/provider-call';
import { sendSmsDelivery } from './sms-delivery';
import type { AnalyticsPayload, DeliveryRequest } from './types';

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
    case 'sms':
      return sendSmsDelivery(capture, config, d);
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
    case 'monday':
      return sendMonday(capture, config, d);
    case 'analytics':
      return sendAnalytics(capture, config, d.payload as unknown as AnalyticsPayload);
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
      // The data the template receives (what a SendGrid dynamic template would get), and Leadgate's rendering of it.
      data: { from: email.from, to: m.to, reply_to: m.replyTo, template: m.template, template_data: m.data, ...rendered, attachments: m.attachments ?? [] },
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

/**
 * The person's item on the board: looked up by the email column, then updated or created, with
 * GraphQL variables (a quote or an emoji in a name is data, never query text). The delivery id is the
 * Idempotency-Key, so a retry inside monday's window is a replay, and the look-up covers one after it.
 */
async function sendMonday(capture: CaptureSink, config: Config, d: Delivery): Promise<SendResult> {
  const { monday, delivery } = config;
  const live = isLive(delivery, 'monday');
  if (live && !(monday.apiToken && monday.boardId)) return notConfigured('MONDAY_API_TOKEN / MONDAY_BOARD_ID');
  const lead = d.payload as unknown as Extract<DeliveryRequest, { destination: 'monday' }>['payload'];
  const item = buildMondayItem(lead, monday.columns, monday.timeZone);
  const emailColumn = monday.columns.email;
  if (!emailColumn) return { ok: false, retryable: false, error: 'MONDAY_COLUMN_MAP has no email column to find the item by' };
  return upsertItemByEmail(
    live ? liveFetch : captureFetch(capture, 'monday', 'monday'),
    { apiToken: monday.apiToken ?? 'capture', apiUrl: monday.apiUrl, timeoutMs: delivery.timeoutMs },
    { boardId: monday.boardId ?? '1' },
    { emailColumnId: emailColumn.id, email: lead.email.trim().toLowerCase(), itemName: item.itemName, columnValues: item.columnValues },
    d.id,
  );
}

/** GA4 Measurement Protocol; consent was checked when the delivery was planned (none: nothing was planned). */
async function sendAnalytics(capture: CaptureSink, config: Config, p: AnalyticsPayload): Promise<SendResult> {
  const { analytics, delivery } = config;
  const live = isLive(delivery, 'ga4');
  if (live && !(analytics.measurementId && analytics.apiSecret)) return notConfigured('GA4_MEASUREMENT_ID / GA4_API_SECRET');
  const result = await sendChatbotEvents(
    live ? liveFetch : captureFetch(capture, 'analytics', 'ga4'),
    {
      measurementId: analytics.measurementId ?? 'G-CAPTURE',
      apiSecret: analytics.apiSecret ?? 'capture',
      endpoint: analytics.endpoint,
      timeoutMs: delivery.timeoutMs,
    },
    {
      botUserId: p.client_id,
      clientId: p.client_id,
      consent: { analytics: true, adUserData: p.consent.ad_user_data, adPersonalization: p.consent.ad_personalization },
      events: p.events,
      timestampMicros: p.timestamp_micros,
    },
  );
  if (result.ok) return { ok: true, statusCode: 'statusCode' in result ? result.statusCode : 204 };
  const { retryable, error } = result;
  return 'statusCode' in result
    ? { ok: false, retryable, error, statusCode: result.statusCode, retryAfterSeconds: result.retryAfterSeconds }
    : { ok: false, retryable, error };
}
