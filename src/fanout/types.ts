import type { CrmSync } from '../integrations/crm/types';
import type { EmailMessage } from '../integrations/email/types';
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
  | { destination: 'analysis'; key: string; leadId: string; payload: { lead_id: string } };

export type DestinationKind = DeliveryRequest['destination'];
export const DESTINATIONS = ['email', 'crm', 'webhook', 'sms', 'analysis'] as const satisfies readonly DestinationKind[];
