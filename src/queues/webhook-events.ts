/**
 * A verified inbound CRM webhook, recorded in `webhook_events`, waiting to be applied to its lead.
 * The payload stays in Postgres (written on the request path); the message only points at it.
 */
export interface WebhookReceivedEvent {
  /** UUIDv7 of this attempt to apply (a replay gets a new one). */
  id: string;
  type: 'webhook.received';
  occurred_at: string;
  request_id: string;
  webhook_event_id: string;
  provider: string;
}
