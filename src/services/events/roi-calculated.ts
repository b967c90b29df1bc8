import { crmContactSyncs, salesNotification } from '../../fanout/lead-fanout';
import type { RoiCalculatedEvent } from '../../messages/events';
import type { ServiceContext } from '../context';
import type { EventPlan } from './plan';

/**
 * An ROI calculation: always a `calculator_submissions` row; with an email also the lead, a
 * `roi_calculated` history entry, the sales notification saying what was calculated, and the CRM upsert.
 */
export function planRoiCalculated({ ctx, input: event }: { ctx: ServiceContext; input: RoiCalculatedEvent }): EventPlan {
  const { input, result, contact } = event;
  const calculation = {
    industry: input.industry,
    customerCount: input.customer_count,
    avgRevenue: input.avg_revenue.toFixed(2),
    churnRate: input.churn_rate.toFixed(3),
    currency: input.currency,
    result,
    createdAt: new Date(event.occurred_at),
  };
  if (!contact) return { calculation, deliveries: () => [] };
  const summary = {
    ...input,
    potential_savings: result.potential_savings,
    retention_uplift_percent: result.retention_uplift_percent,
    break_even_point_months: result.break_even_point_months,
  };
  return {
    calculation,
    contact: { contact, occurredAt: Date.parse(event.occurred_at) },
    // The calculator's industry is the lead's business domain when the workspace lists it.
    ...(ctx.config.pipeline.businessDomains.includes(input.industry) ? { businessDomain: input.industry } : {}),
    history: { type: 'roi_calculated', source: 'roi_calculator', payload: { calculation_id: event.id, input, result } },
    deliveries: (lead) =>
      lead
        ? [
            salesNotification(ctx.config.email, lead, 'roi_calculator', { calculation_id: event.id, ...input }, summary),
            ...crmContactSyncs(ctx.config.crm, lead),
          ]
        : [],
  };
}
