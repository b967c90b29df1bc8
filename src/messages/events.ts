import { z } from 'zod';
import type { ContactCapture } from '../domain/contact';
import type { DemoBooking, HostRef } from '../domain/demo-booking';
import { DEFAULT_WORKSPACE_ID } from '../domain/workspace';

/**
 * The "events" queue's contract: one zod schema per message type, in one place. Producers type their
 * messages with these types; the consumer parses every message with `EventMessageSchema` before it
 * writes anything, and a message that does not parse is recorded as failed with the reason, never
 * half-applied. Unknown fields are dropped, so a message from the previous deploy still parses.
 */
const TouchSchema = z.object({
  source: z.string(),
  utm: z.record(z.string(), z.string()).optional(),
  referrer: z.string().optional(),
  landing_page: z.string().optional(),
  at: z.string(),
});

export const ContactCaptureSchema: z.ZodType<ContactCapture> = z.object({
  email: z.string().min(3),
  email_normalized: z.string().min(3),
  name: z.string().optional(),
  company: z.string().optional(),
  company_domain: z.string().nullable().optional(),
  phone: z.string().optional(),
  consent: z.object({ marketing: z.boolean().optional(), analytics: z.boolean().optional(), sms: z.boolean().optional() }).optional(),
  touch: TouchSchema,
});

const envelope = {
  /** UUID assigned where the event happened: the event's key everywhere downstream (the `events` ledger). */
  id: z.uuid(),
  occurred_at: z.iso.datetime({ offset: true }),
  request_id: z.string(),
  /** The workspace the event belongs to; a message queued before workspaces existed belongs to the default one. */
  workspace_id: z.uuid().default(DEFAULT_WORKSPACE_ID),
};

export const LeadSubmittedSchema = z.object({
  ...envelope,
  type: z.literal('lead.submitted'),
  source: z.string(),
  contact: ContactCaptureSchema,
  /** Source-specific fields (plan, asset_slug, message, …). */
  details: z.record(z.string(), z.unknown()),
});

export const RoiCalculatedSchema = z.object({
  ...envelope,
  type: z.literal('roi.calculated'),
  input: z.object({ industry: z.string(), customer_count: z.number(), avg_revenue: z.number(), churn_rate: z.number(), currency: z.string() }),
  /** The answer as the caller received it (results, assumptions, working). */
  result: z.looseObject({ potential_savings: z.number(), retention_uplift_percent: z.number(), break_even_point_months: z.number().nullable() }),
  /** Present when the prospect left an email: the lead is upserted and sales notified. */
  contact: ContactCaptureSchema.optional(),
});

export const ContentDownloadedSchema = z.object({
  ...envelope,
  type: z.literal('content.downloaded'),
  asset_slug: z.string(),
  asset_title: z.string(),
  download_url: z.string(),
  link_expires_at: z.string(),
  contact: ContactCaptureSchema,
});

export const WebhookReceivedSchema = z.object({
  ...envelope,
  type: z.literal('webhook.received'),
  /** The `webhook_events` row: the verified payload stays in Postgres, the message only points at it. */
  webhook_event_id: z.uuid(),
  provider: z.string(),
});

const DemoBookingSchema: z.ZodType<DemoBooking> = z.object({
  id: z.uuid(),
  host_id: z.string(),
  start: z.string(),
  end: z.string(),
  status: z.enum(['confirmed', 'cancelled']),
  sequence: z.number().int(),
  visitor_time_zone: z.string(),
  notes: z.string().optional(),
  contact: ContactCaptureSchema,
  cancel_url: z.string(),
  reschedule_url: z.string(),
  created_at: z.string(),
  chatbot: z
    .object({
      platform: z.enum(['chatfuel', 'telegram']),
      user_hash: z.string(),
      package: z.string().optional(),
      topic: z.string().optional(),
      reminder_minutes: z.number().int().positive().optional(),
    })
    .optional(),
});

const HostRefSchema: z.ZodType<HostRef> = z.object({ id: z.string(), name: z.string(), email: z.string(), time_zone: z.string() });

const demo = { ...envelope, booking: DemoBookingSchema, host: HostRefSchema };
export const DemoBookedSchema = z.object({ ...demo, type: z.literal('demo.booked') });
export const DemoCancelledSchema = z.object({ ...demo, type: z.literal('demo.cancelled') });
export const DemoRescheduledSchema = z.object({ ...demo, type: z.literal('demo.rescheduled'), previous_start: z.string() });
/** The host Scheduler's alarm: the reminder is due (id derived from booking and SEQUENCE, so sent once). */
export const DemoReminderDueSchema = z.object({ ...demo, type: z.literal('demo.reminder_due') });

/** A meeting the chatbot booked with an external provider (Cal.com); Scheduler bookings come as demo.booked. */
const BookedMeetingSchema = z.object({
  id: z.uuid(),
  provider: z.enum(['scheduler', 'calcom']),
  reference: z.string(),
  start: z.string(),
  end: z.string(),
  local_start: z.string(),
  time_zone: z.string(),
  host_name: z.string(),
  cancel_url: z.string().optional(),
  reschedule_url: z.string().optional(),
});

export const CHATBOT_STEPS = ['conversation_start', 'lead', 'handoff', 'track', 'booked'] as const;

/** One step of a chatbot conversation (Chatfuel or Telegram), with what the bot knows by then. */
export const ChatbotStepSchema = z.object({
  ...envelope,
  type: z.literal('chatbot.step'),
  step: z.enum(CHATBOT_STEPS),
  platform: z.enum(['chatfuel', 'telegram']),
  /** SHA-256 (hex) of the bot user id: GA4's client_id; the id itself is never kept. */
  user_hash: z.string().regex(/^[0-9a-f]{64}$/),
  package: z.string().max(100).optional(),
  topic: z.string().max(500).optional(),
  question: z.string().max(2000).optional(),
  /** track: the conversion step's name (a GA4 event name). */
  track: z.string().max(40).optional(),
  /** Where the conversation came from (an ad, a page): a label for GA4 and the board. */
  source: z.string().max(100).optional(),
  analytics_consent: z.boolean(),
  contact: ContactCaptureSchema.optional(),
  booking: BookedMeetingSchema.optional(),
});

export const EventMessageSchema = z.discriminatedUnion('type', [
  LeadSubmittedSchema,
  RoiCalculatedSchema,
  ContentDownloadedSchema,
  WebhookReceivedSchema,
  DemoBookedSchema,
  DemoCancelledSchema,
  DemoRescheduledSchema,
  DemoReminderDueSchema,
  ChatbotStepSchema,
]);

export type EventMessage = z.infer<typeof EventMessageSchema>;
export type EventType = EventMessage['type'];
export type LeadSubmittedEvent = z.infer<typeof LeadSubmittedSchema>;
export type RoiCalculatedEvent = z.infer<typeof RoiCalculatedSchema>;
export type ContentDownloadedEvent = z.infer<typeof ContentDownloadedSchema>;
export type WebhookReceivedEvent = z.infer<typeof WebhookReceivedSchema>;
export type DemoBookedEvent = z.infer<typeof DemoBookedSchema>;
export type DemoCancelledEvent = z.infer<typeof DemoCancelledSchema>;
export type DemoRescheduledEvent = z.infer<typeof DemoRescheduledSchema>;
export type DemoReminderDueEvent = z.infer<typeof DemoReminderDueSchema>;
export type ChatbotStepEvent = z.infer<typeof ChatbotStepSchema>;
export type ChatbotStep = ChatbotStepEvent['step'];
export type DemoEvent = DemoBookedEvent | DemoCancelledEvent | DemoRescheduledEvent | DemoReminderDueEvent;

/** The envelope alone, for a message that failed the full schema: enough to record it as failed. */
export const EventEnvelopeSchema = z.looseObject({ id: z.uuid(), type: z.string().max(100), workspace_id: z.uuid().default(DEFAULT_WORKSPACE_ID) });
