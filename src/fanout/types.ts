import type { ChatbotEvent } from '../integrations/analytics/ga4';
import type { CrmSync } from '../integrations/crm/types';
import type { EmailMessage } from '../integrations/email/types';
import type { MondayLead } from '../integrations/monday/columns';
import type { OutboundWebhook } from '../integrations/outbound-webhook/types';
import type { SmsMessage } from '../integrations/sms/types';

/**
 * The fan-out contract. What an event causes is a list of DeliveryRequests; the events consumer writes
 * one `deliveries` row per request in the same transaction as the event, then puts one message per row
 * on the "deliveries" queue. The deliveries consumer hands each to its destination (src/fanout/
 * destinations.ts) with retries, backoff, a dead-letter queue and replay.
 */
export type DeliveryRequest =
  | { destination: 'email'; key: string; leadId?: string | null; payload: EmailMessage }
  | { destination: 'crm'; key: string; leadId: string; payload: CrmSync }
  | { destination: 'webhook'; key: string; leadId?: string | null; payload: OutboundWebhook }
  | { destination: 'sms'; key: string; leadId?: string | null; payload: SmsMessage }
  /** Leadgate's own work done through the outbox: the background analysis after every N interactions. */
  | { destination: 'analysis'; key: string; leadId: string; payload: { lead_id: string } }
  /** The person's item on the monday.com board, found by email and created or updated. */
  | { destination: 'monday'; key: string; leadId: string; payload: MondayLead & { email: string } }
  /** GA4 Measurement Protocol events of a conversation (only planned with analytics consent). */
  | { destination: 'analytics'; key: string; leadId?: string | null; payload: AnalyticsPayload };

/** What GA4 receives: a pseudonymous client id (a hash of the bot user id), the consent signals, the events. */
export interface AnalyticsPayload {
  client_id: string;
  consent: { ad_user_data: boolean; ad_personalization: boolean };
  events: ChatbotEvent[];
  /** When the step happened: GA4 dates the events then, even when delivered after an outage (up to 72 h). */
  timestamp_micros: number;
}

export type DestinationKind = DeliveryRequest['destination'];
export const DESTINATIONS = ['email', 'crm', 'webhook', 'sms', 'analysis', 'monday', 'analytics'] as const satisfies readonly DestinationKind[];
