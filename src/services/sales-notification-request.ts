import type { Config } from '../config';
import type { DeliveryRequest } from '../fanout/types';
import type { ContactCapture } from '../queues/event-messages';

/** What the prospect calculated, as the `sales_notification` template shows it. */
export interface CalculationSummary {
  industry: string;
  customer_count: number;
  avg_revenue: number;
  churn_rate: number;
  currency: string;
  potential_savings: number;
  retention_uplift_percent: number;
  break_even_point_months: number | null;
}

/**
 * The `sales_notification` email for a lead captured by the ROI calculator or a gated download.
 * Data contract of the template (owned by the lead engineer):
 * `{ lead: { id, email, name, company, company_domain, phone, source }, submission, calculation? }`.
 */
export function salesNotificationRequest(
  config: Pick<Config, 'SALES_INBOX'>,
  input: { leadId: string; contact: ContactCapture; source: string; submission: Record<string, unknown>; calculation?: CalculationSummary },
): DeliveryRequest {
  const { leadId, contact, source, submission, calculation } = input;
  return {
    destination: 'email',
    key: 'sales_notification',
    leadId,
    payload: {
      template: 'sales_notification',
      to: [{ email: config.SALES_INBOX }],
      replyTo: { email: contact.email, ...(contact.name ? { name: contact.name } : {}) },
      data: {
        lead: {
          id: leadId,
          email: contact.email,
          name: contact.name ?? null,
          company: contact.company ?? null,
          company_domain: contact.company_domain ?? null,
          phone: contact.phone ?? null,
          source,
        },
        submission,
        ...(calculation ? { calculation } : {}),
      },
    },
  };
}
