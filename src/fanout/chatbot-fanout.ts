import type { Config } from '../config';
import type { Lead } from '../db/schema';
import type { SmsTemplateName } from '../domain/sms';
import { renderSmsTemplate } from '../domain/sms';
import { wallClock } from '../domain/zoned-time';
import type { ChatbotEvent } from '../integrations/analytics/ga4';
import type { EmailMessage } from '../integrations/email/types';
import type { ChatbotStepEvent } from '../messages/events';
import { crmContactSyncs, salesNotification } from './lead-fanout';
import { smsRequest } from './sms-delivery';
import type { DeliveryRequest } from './types';

/**
 * What a chatbot conversation causes, one builder per destination: the person's item on the monday.com
 * board, the GA4 funnel event (only with analytics consent; a hash of the bot user id, never a personal
 * detail), the Polish emails and texts. The Scheduler's demo.booked and reminder events and the chatbot's
 * own steps compose them, so a booking made through either path reaches the same tools the same way.
 */

/** What the conversation knew when the step happened. */
export interface ChatbotFacts {
  platform: 'chatfuel' | 'telegram';
  user_hash: string;
  package?: string;
  topic?: string;
  source?: string;
  analyticsConsent: boolean;
  occurredAt: string;
}

/** The board's status column for each step. */
export const BOARD_STATUS = {
  lead: 'Nowy lead',
  handoff: 'Przekazany do konsultanta',
  booked: 'Umówione spotkanie',
  cancelled: 'Spotkanie odwołane',
} as const;

const GA4_EVENT: Record<'conversation_start' | 'lead' | 'booked' | 'handoff', ChatbotEvent['name']> = {
  conversation_start: 'chatbot_conversation_start',
  lead: 'generate_lead',
  booked: 'book_meeting',
  handoff: 'consultant_handoff',
};

/** A GA4 event of the funnel, keyed by its name so one step sends it once. Nothing without analytics consent. */
export function analyticsEvent(facts: ChatbotFacts, name: ChatbotEvent['name'], leadId: string | null): DeliveryRequest[] {
  if (!facts.analyticsConsent) return [];
  return [
    {
      destination: 'analytics',
      key: name,
      leadId,
      payload: {
        client_id: facts.user_hash,
        consent: { ad_user_data: false, ad_personalization: false },
        events: [{ name, source: facts.source ?? facts.platform, ...(facts.package ? { package: facts.package } : {}), engagementTimeMsec: 1 }],
        timestamp_micros: Date.parse(facts.occurredAt) * 1000,
      },
    },
  ];
}

/** The person's item on the board (created, or found by email and updated). */
export function mondayItem(lead: Lead, facts: ChatbotFacts, status: string, meetingAt?: string): DeliveryRequest {
  return {
    destination: 'monday',
    key: 'item',
    leadId: lead.id,
    payload: {
      email: lead.email,
      ...(lead.name ? { name: lead.name } : {}),
      ...(lead.phone ? { phone: lead.phone } : {}),
      ...(facts.topic ? { topic: facts.topic } : {}),
      source: facts.source ?? (facts.platform === 'chatfuel' ? 'Chatbot' : 'Telegram'),
      ...(facts.package ? { package: facts.package } : {}),
      status,
      ...(meetingAt ? { meetingAt } : {}),
    },
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A meeting's date and time as the visitor reads them: "15.06.2027" and "09:30". */
export function localDateTime(instant: string, timeZone: string): { date: string; time: string } {
  const c = wallClock(Date.parse(instant), timeZone);
  return { date: `${pad(c.day)}.${pad(c.month)}.${c.year}`, time: `${pad(c.hour)}:${pad(c.minute)}` };
}

const firstName = (lead: Lead) => (lead.name ?? '').trim().split(/\s+/)[0] || 'Kliencie';
const recipient = (lead: Lead) => ({ email: lead.email, ...(lead.name ? { name: lead.name } : {}) });
const company = (config: Config) => ({ name: config.chatbot.company.name, phone: config.chatbot.company.phone ?? null });

/** A text from one of the Polish templates, with SMS consent and an E.164 number only; segments counted. */
function text(config: Config, lead: Lead, name: SmsTemplateName, values: Record<string, string>): DeliveryRequest[] {
  if (!lead.consent.sms || !lead.phone) return [];
  const { company } = config.chatbot;
  const rendered = renderSmsTemplate(config.chatbot.smsTemplates, name, {
    name: firstName(lead),
    company: company.name,
    ...(company.phone ? { company_phone: company.phone } : {}),
    ...values,
  });
  if (!rendered.ok) return [];
  return smsRequest(config, { key: name, leadId: lead.id, to: lead.phone, body: rendered.text });
}

/** A booked meeting, as the chatbot's messages describe it. */
export interface ChatbotMeeting {
  booking_id: string;
  start: string;
  time_zone: string;
  consultant: string;
  cancel_url?: string;
  reschedule_url?: string;
}

function meetingData(config: Config, lead: Lead, facts: ChatbotFacts, m: ChatbotMeeting) {
  return {
    name: lead.name ?? null,
    ...localDateTime(m.start, m.time_zone),
    time_zone: m.time_zone,
    service: facts.topic ?? facts.package ?? null,
    consultant: m.consultant,
    booking_id: m.booking_id,
    company: company(config),
    ...(m.cancel_url ? { cancel_url: m.cancel_url } : {}),
    ...(m.reschedule_url ? { reschedule_url: m.reschedule_url } : {}),
  };
}

/** "Thank you for getting in touch": like the forms' lead confirmation, only with marketing consent (a booking's or handoff's emails answer the person's own request and need none). */
function thankYou(config: Config, lead: Lead): DeliveryRequest[] {
  if (!lead.consent.marketing) return [];
  return [
    {
      destination: 'email',
      key: 'thank_you',
      leadId: lead.id,
      payload: { template: 'thank_you', to: [recipient(lead)], data: { name: lead.name ?? null, company: company(config) } },
    },
  ];
}

const service = (facts: ChatbotFacts) => facts.topic ?? facts.package ?? 'konsultacja';

/** A booking made in a conversation: the Polish confirmation (with the .ics when given), the text, the board, GA4. */
export function bookingConfirmed(
  config: Config,
  lead: Lead,
  facts: ChatbotFacts,
  m: ChatbotMeeting,
  attachments?: EmailMessage['attachments'],
): DeliveryRequest[] {
  const data = meetingData(config, lead, facts, m);
  return [
    {
      destination: 'email',
      key: 'booking_confirmation',
      leadId: lead.id,
      payload: { template: 'booking_confirmation', to: [recipient(lead)], data, ...(attachments ? { attachments } : {}) },
    },
    ...text(config, lead, 'booking_confirmation', { date: data.date, time: data.time, service: service(facts), consultant: m.consultant }),
    mondayItem(lead, facts, BOARD_STATUS.booked, m.start),
    ...analyticsEvent(facts, GA4_EVENT.booked, lead.id),
  ];
}

/** The day before: the Polish reminder by email, and by text with SMS consent. */
export function bookingReminder(config: Config, lead: Lead, facts: ChatbotFacts, m: ChatbotMeeting): DeliveryRequest[] {
  const data = meetingData(config, lead, facts, m);
  return [
    { destination: 'email', key: 'booking_reminder', leadId: lead.id, payload: { template: 'booking_reminder', to: [recipient(lead)], data } },
    ...text(config, lead, 'booking_reminder', { date: data.date, time: data.time, service: service(facts), consultant: m.consultant }),
  ];
}

export const factsOf = (e: ChatbotStepEvent): ChatbotFacts => ({
  platform: e.platform,
  user_hash: e.user_hash,
  package: e.package,
  topic: e.topic,
  source: e.source,
  analyticsConsent: e.analytics_consent,
  occurredAt: e.occurred_at,
});

/** What each step of a conversation causes, given the lead as the batch left it (none before contact details). */
export function chatbotStepDeliveries(config: Config, e: ChatbotStepEvent, lead: Lead | null): DeliveryRequest[] {
  const facts = factsOf(e);
  switch (e.step) {
    case 'conversation_start':
      return analyticsEvent(facts, GA4_EVENT.conversation_start, lead?.id ?? null);
    case 'track':
      return e.track ? analyticsEvent(facts, `chatbot_${e.track}`, lead?.id ?? null) : [];
    case 'lead':
      if (!lead) return [];
      return [
        mondayItem(lead, facts, BOARD_STATUS.lead),
        ...analyticsEvent(facts, GA4_EVENT.lead, lead.id),
        salesNotification(config.email, lead, 'chatbot', { platform: e.platform, package: e.package ?? null, topic: e.topic ?? null }),
        ...crmContactSyncs(config.crm, lead),
        ...thankYou(config, lead),
        ...text(config, lead, 'default', {}),
      ];
    case 'handoff': {
      if (!lead) return [];
      const consultant = config.chatbot.consultant;
      return [
        mondayItem(lead, facts, BOARD_STATUS.handoff),
        ...analyticsEvent(facts, GA4_EVENT.handoff, lead.id),
        {
          destination: 'email',
          key: 'consultant_contact',
          leadId: lead.id,
          payload: {
            template: 'consultant_contact',
            to: [recipient(lead)],
            data: { name: lead.name ?? null, consultant: consultant.name, question: e.question ?? null, company: company(config) },
          },
        },
        {
          destination: 'email',
          key: 'consultant_notice',
          leadId: lead.id,
          payload: {
            template: 'consultant_notice',
            to: [{ email: consultant.email ?? config.email.salesInbox, name: consultant.name }],
            replyTo: recipient(lead),
            data: {
              lead: { id: lead.id, email: lead.email, name: lead.name ?? null, phone: lead.phone ?? null },
              question: e.question ?? null,
              package: e.package ?? null,
              topic: e.topic ?? null,
              platform: e.platform,
              lead_url: `${config.core.publicOrigin}/api/v1/leads/${lead.id}`,
            },
          },
        },
        ...crmContactSyncs(config.crm, lead),
        ...text(config, lead, 'consultant_contact', { consultant: consultant.name }),
      ];
    }
    case 'booked': {
      if (!lead || !e.booking) return [];
      const b = e.booking;
      return bookingConfirmed(config, lead, facts, {
        booking_id: b.id,
        start: b.start,
        time_zone: b.time_zone,
        consultant: b.host_name,
        cancel_url: b.cancel_url,
        reschedule_url: b.reschedule_url,
      });
    }
  }
}
