import { crmContactSyncs, leadConfirmation, salesNotification } from '../../fanout/lead-fanout';
import type { LeadSubmittedEvent } from '../../messages/events';
import type { ServiceContext } from '../context';
import type { EventPlan } from './plan';

/**
 * A form submission: the lead, a `form_submitted` history entry, the sales notification, a
 * confirmation (with marketing consent) and the CRM upsert. The CRM sync is the sales team's legitimate
 * interest in an inbound request, so it does not wait for marketing consent.
 */
export function planLeadSubmitted({ ctx, input: event }: { ctx: ServiceContext; input: LeadSubmittedEvent }): EventPlan {
  const { email, email_normalized, ...contact } = event.contact;
  return {
    contact: { contact: event.contact, occurredAt: Date.parse(event.occurred_at) },
    history: { type: 'form_submitted', source: event.source, payload: { ...event.details, contact } },
    deliveries: (lead) =>
      lead
        ? [
            salesNotification(ctx.config.email, lead, event.source, event.details),
            ...leadConfirmation(lead, event.source),
            ...crmContactSyncs(ctx.config.crm, lead),
          ]
        : [],
  };
}
