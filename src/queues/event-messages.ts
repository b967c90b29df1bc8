import { z } from 'zod';
import type { DemoEvent } from './demo-events';
import type { Consent, Touch } from '../db/schema';
import type { ContentDownloadedEvent, RoiCalculatedEvent } from './tool-events';
import type { WebhookReceivedEvent } from './webhook-events';

/** The contact data of a person as captured at the edge (already normalized). */
export interface ContactCapture {
  email: string;
  email_normalized: string;
  name?: string;
  company?: string;
  company_domain?: string | null;
  phone?: string;
  consent?: Consent;
  touch: Touch;
}

interface Envelope<T extends string> {
  /** UUIDv7 assigned at the edge: the event's primary key everywhere downstream. */
  id: string;
  type: T;
  occurred_at: string;
  request_id: string;
}

export interface LeadSubmittedEvent extends Envelope<'lead.submitted'> {
  source: string;
  contact: ContactCapture;
  /** Source-specific fields (plan, asset_slug, message, …). */
  details: Record<string, unknown>;
}

export type EventMessage = LeadSubmittedEvent | RoiCalculatedEvent | ContentDownloadedEvent | WebhookReceivedEvent | DemoEvent;
export type EventType = EventMessage['type'];

/** Shape check for what comes off the queue: a message that fails it can never be applied. */
export const EventEnvelopeSchema = z.looseObject({
  id: z.uuid(),
  type: z.string().min(1),
  occurred_at: z.iso.datetime({ offset: true }),
  request_id: z.string(),
});
