import type { Transaction } from '../db/client';
import { leadCaptureDeliveries } from '../fanout/lead-deliveries';
import type { DeliveryRequest } from '../fanout/types';
import type { ApplyContext } from '../queues/apply-context';
import type { LeadSubmittedEvent } from '../queues/event-messages';
import { AlreadyApplied, appendLeadEvent, upsertLeadRow } from './record-lead-event';

/** Consumer side of a form submission: the lead row and one `form_submitted` history entry, once. */
export async function applyLeadSubmitted(tx: Transaction, event: LeadSubmittedEvent, ctx: ApplyContext): Promise<DeliveryRequest[]> {
  const lead = await upsertLeadRow(tx, event.contact, event.occurred_at);
  const leadId = lead.id;
  const { email, email_normalized, ...contact } = event.contact;
  const fresh = await appendLeadEvent(tx, {
    id: event.id,
    leadId,
    type: 'form_submitted',
    source: event.source,
    payload: { ...event.details, contact },
    occurredAt: event.occurred_at,
    requestId: event.request_id,
  });
  // A redelivered event: undo the lead upsert too (the savepoint rolls back), so nothing changes twice.
  if (!fresh) throw new AlreadyApplied(event.id);
  return leadCaptureDeliveries(ctx.config, lead, event.source, event.details);
}
