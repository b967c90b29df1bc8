import type { Transaction } from '../db/client';
import { calculatorSubmissions } from '../db/schema';
import type { DeliveryRequest } from '../fanout/types';
import type { ApplyContext } from '../queues/apply-context';
import type { RoiCalculatedEvent } from '../queues/tool-events';
import { AlreadyApplied, appendLeadEvent, upsertLead } from './record-lead-event';
import { salesNotificationRequest } from './sales-notification-request';

/**
 * Consumer side of an ROI calculation: the `calculator_submissions` row, and with an email the lead, a
 * `roi_calculated` history entry and the sales notification saying what the prospect calculated. Once.
 */
export async function applyRoiCalculated(tx: Transaction, event: RoiCalculatedEvent, ctx: ApplyContext): Promise<DeliveryRequest[]> {
  const { input, result, contact } = event;
  let leadId: string | null = null;
  if (contact) {
    leadId = await upsertLead(tx, contact, event.occurred_at);
    const fresh = await appendLeadEvent(tx, {
      id: event.id,
      leadId,
      type: 'roi_calculated',
      source: 'roi_calculator',
      payload: { calculation_id: event.id, input, result },
      occurredAt: event.occurred_at,
      requestId: event.request_id,
    });
    if (!fresh) throw new AlreadyApplied(event.id);
  }
  const stored = await tx
    .insert(calculatorSubmissions)
    .values({
      id: event.id,
      leadId,
      industry: input.industry,
      customerCount: input.customer_count,
      avgRevenue: input.avg_revenue.toFixed(2),
      churnRate: input.churn_rate.toFixed(3),
      currency: input.currency,
      result,
      createdAt: new Date(event.occurred_at),
    })
    .onConflictDoNothing({ target: calculatorSubmissions.id })
    .returning({ id: calculatorSubmissions.id });
  if (stored.length === 0) throw new AlreadyApplied(event.id);
  if (!contact || !leadId) return [];

  return [
    salesNotificationRequest(ctx.config, {
      leadId,
      contact,
      source: 'roi_calculator',
      submission: { calculation_id: event.id, ...input },
      calculation: {
        ...input,
        potential_savings: result.potential_savings,
        retention_uplift_percent: result.retention_uplift_percent,
        break_even_point_months: result.break_even_point_months,
      },
    }),
  ];
}
