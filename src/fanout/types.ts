/**
 * The fan-out contract. An event applier (src/queues/events-consumer.ts) returns DeliveryRequests;
 * the consumer writes one `deliveries` row per request in the same transaction as the event, then puts
 * one message per row on the "deliveries" queue. The deliveries consumer hands each to its destination
 * adapter (src/fanout/destinations) with retries, backoff, a dead-letter queue and replay.
 */

export interface EmailAddress {
  email: string;
  name?: string;
}

export interface EmailAttachment {
  filename: string;
  /** e.g. "text/calendar; method=REQUEST" */
  contentType: string;
  /** UTF-8 text content (an .ics, a CSV…). */
  content: string;
}

/** An email to send, by template name (src/integrations/email/templates) and its data. */
export interface EmailMessage {
  template: string;
  to: EmailAddress[];
  data: Record<string, unknown>;
  replyTo?: EmailAddress;
  attachments?: EmailAttachment[];
}

/** What a CRM gets for a person: an upsert keyed by email. */
export interface CrmContact {
  email: string;
  firstName?: string;
  lastName?: string;
  company?: string;
  companyDomain?: string;
  phone?: string;
  /** Leadgate lifecycle status (new, contacted, qualified, customer, …). */
  status?: string;
  source?: string;
  leadId: string;
}

/** An outbound Standard Webhooks notification (e.g. to the product when a trial is unlocked). */
export interface OutboundWebhook {
  type: string;
  data: Record<string, unknown>;
}

export interface SmsMessage {
  to: string;
  body: string;
}

export type DeliveryRequest =
  | { destination: 'email'; key: string; leadId?: string | null; payload: EmailMessage }
  | { destination: 'crm'; key?: string; leadId: string; payload: CrmContact }
  | { destination: 'webhook'; key: string; leadId?: string | null; payload: OutboundWebhook }
  | { destination: 'sms'; key: string; leadId?: string | null; payload: SmsMessage };

export type DestinationKind = DeliveryRequest['destination'];
