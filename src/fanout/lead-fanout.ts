import type { Config } from '../config';
import type { Lead, Sale } from '../db/schema';
import type { CrmContact, CrmMeeting } from '../integrations/crm/types';
import type { DeliveryRequest } from './types';

/**
 * The deliveries a fact about a lead can cause, one builder each. The event planners (src/services/
 * events) compose them: every fact that creates or changes a lead reaches the CRMs; sales hears of new
 * interest; the person gets what they asked for, and a confirmation only with marketing consent.
 */

/**
 * What a CRM is told of where the lead is: its stage, or once transferred its sale's (paid = customer).
 * A transferred lead synced without its sale (a form filled in again) says nothing of its stage: the
 * CRM keeps what the pipeline told it last.
 */
export function crmStatus(lead: Pick<Lead, 'stage'>, sale?: Pick<Sale, 'stage'> | null): string | undefined {
  if (!sale) return lead.stage === 'transferred' ? undefined : lead.stage;
  return sale.stage === 'paid' ? 'customer' : sale.stage === 'lost' ? 'lost' : 'transferred';
}

export function crmContact(lead: Lead, sale?: Pick<Sale, 'stage'> | null): CrmContact {
  const [firstName, ...rest] = (lead.name ?? '').trim().split(/\s+/);
  return {
    leadId: lead.id,
    email: lead.email,
    firstName: firstName || undefined,
    lastName: rest.join(' ') || undefined,
    company: lead.company ?? undefined,
    companyDomain: lead.companyDomain ?? undefined,
    phone: lead.phone ?? undefined,
    status: crmStatus(lead, sale),
    source: lead.firstSource,
  };
}

/** The lead as every CRM has it: one upsert per switched-on CRM (the CRM key is the delivery key). */
export function crmContactSyncs(crm: Config['crm'], lead: Lead): DeliveryRequest[] {
  return crm.providers.map((provider) => ({ destination: 'crm', key: provider, leadId: lead.id, payload: { kind: 'contact', contact: crmContact(lead) } }));
}

/** A booking as a meeting on the lead's CRM record (with its time), not just a contact. */
export function crmMeetingSyncs(crm: Config['crm'], lead: Lead, meeting: CrmMeeting): DeliveryRequest[] {
  return crm.providers.map((provider) => ({
    destination: 'crm',
    key: provider,
    leadId: lead.id,
    payload: { kind: 'meeting', contact: crmContact(lead), meeting },
  }));
}

/** What the sales notification template shows of the lead. */
export function leadSummary(lead: Lead, source: string) {
  return { id: lead.id, email: lead.email, name: lead.name, company: lead.company, company_domain: lead.companyDomain, phone: lead.phone, source };
}

/**
 * The `sales_notification` email: who, from which form, what they sent or calculated. Data contract of
 * the template: `{ lead: { id, email, name, company, company_domain, phone, source }, submission, calculation? }`.
 */
export function salesNotification(
  email: Config['email'],
  lead: Lead,
  source: string,
  submission: Record<string, unknown>,
  calculation?: Record<string, unknown>,
): DeliveryRequest {
  return {
    destination: 'email',
    key: 'sales_notification',
    leadId: lead.id,
    payload: {
      template: 'sales_notification',
      to: [{ email: email.salesInbox }],
      replyTo: { email: lead.email, ...(lead.name ? { name: lead.name } : {}) },
      data: { lead: leadSummary(lead, source), submission, ...(calculation ? { calculation } : {}) },
    },
  };
}

/** "We got your request": only with marketing consent. */
export function leadConfirmation(lead: Lead, source: string): DeliveryRequest[] {
  if (!lead.consent.marketing) return [];
  return [
    {
      destination: 'email',
      key: 'lead_confirmation',
      leadId: lead.id,
      payload: { template: 'lead_confirmation', to: [{ email: lead.email, ...(lead.name ? { name: lead.name } : {}) }], data: { name: lead.name, source } },
    },
  ];
}
