import type { Config } from '../config';
import type { Lead } from '../db/schema';
import type { CrmContact, DeliveryRequest } from './types';

export function crmContact(lead: Lead): CrmContact {
  const [firstName, ...rest] = (lead.name ?? '').trim().split(/\s+/);
  return {
    leadId: lead.id,
    email: lead.email,
    firstName: firstName || undefined,
    lastName: rest.join(' ') || undefined,
    company: lead.company ?? undefined,
    companyDomain: lead.companyDomain ?? undefined,
    phone: lead.phone ?? undefined,
    status: lead.status,
    source: lead.firstSource,
  };
}

/** The lead part of the sales notification's data (see templates/sales-notification.ts). */
export function leadSummary(lead: Lead, source: string) {
  return { id: lead.id, email: lead.email, name: lead.name, company: lead.company, company_domain: lead.companyDomain, phone: lead.phone, source };
}

/**
 * What a captured lead fans out to: the sales notification (always), a confirmation to the person
 * (only with marketing consent), and an upsert in every CRM that is switched on. The CRM sync is the
 * sales team's legitimate interest in an inbound request, so it does not wait for marketing consent.
 */
export function leadCaptureDeliveries(
  config: Config,
  lead: Lead,
  source: string,
  submission: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): DeliveryRequest[] {
  const leadId = lead.id;
  const requests: DeliveryRequest[] = [
    {
      destination: 'email', key: 'sales_notification', leadId,
      payload: { template: 'sales_notification', to: [{ email: config.SALES_INBOX }], replyTo: { email: lead.email, name: lead.name ?? undefined }, data: { lead: leadSummary(lead, source), submission, ...extra } },
    },
  ];
  if (lead.consent.marketing) {
    requests.push({
      destination: 'email', key: 'lead_confirmation', leadId,
      payload: { template: 'lead_confirmation', to: [{ email: lead.email, name: lead.name ?? undefined }], data: { name: lead.name, source } },
    });
  }
  for (const crm of config.CRM_PROVIDERS) requests.push({ destination: 'crm', key: crm, leadId, payload: crmContact(lead) });
  return requests;
}
