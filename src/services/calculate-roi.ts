import { type ContactInput, isSpam, toContactCapture } from '../domain/contact';
import { newId } from '../domain/ids';
import { calculateRoi, HORIZON_MONTHS, type Industry, type IndustryBenchmark, type RoiResult } from '../domain/roi';
import { logger } from '../logger';
import type { RoiCalculatedEvent } from '../messages/events';
import { publishEvents } from '../messages/publish';
import { admitSubmission } from './admit-submission';
import { benchmarkFor } from './benchmark-cache';
import type { ServiceContext } from './context';

export interface RoiRequest extends Omit<ContactInput, 'email'> {
  industry: Industry;
  customer_count: number;
  avg_revenue: number;
  churn_rate: number;
  currency: string;
  email?: string;
  website?: string;
  turnstile_token: string;
}

export interface RoiAnswer {
  id: string;
  industry: Industry;
  currency: string;
  potential_savings: number;
  retention_uplift_percent: number;
  break_even_point_months: number | null;
  break_even: string;
  assumptions: { expected_churn_reduction_percent: number; implementation_cost: number; time_to_value_months: number; horizon_months: number };
  working: {
    monthly_revenue: number;
    monthly_revenue_lost_to_churn: number;
    monthly_revenue_retained: number;
    retention_before_percent: number;
    retention_after_percent: number;
  };
}

export function roiAnswer(id: string, request: Pick<RoiRequest, 'industry' | 'currency'>, b: IndustryBenchmark, r: RoiResult): RoiAnswer {
  return {
    id,
    industry: request.industry,
    currency: request.currency,
    potential_savings: r.potentialSavings,
    retention_uplift_percent: r.retentionUpliftPercent,
    break_even_point_months: r.breakEvenPointMonths,
    break_even: r.breakEven,
    assumptions: {
      expected_churn_reduction_percent: b.expectedChurnReductionPercent,
      implementation_cost: b.implementationCost,
      time_to_value_months: b.timeToValueMonths,
      horizon_months: HORIZON_MONTHS,
    },
    working: {
      monthly_revenue: r.monthlyRevenue,
      monthly_revenue_lost_to_churn: r.monthlyRevenueLostToChurn,
      monthly_revenue_retained: r.monthlyRevenueRetained,
      retention_before_percent: r.retentionBeforePercent,
      retention_after_percent: r.retentionAfterPercent,
    },
  };
}

/**
 * The ROI calculator's request path. The answer is computed here, from cached benchmarks; the record of
 * it (and the lead, when an email was left) goes through the durable "events" queue like every write.
 *
 * Turnstile is required even without an email: the answer itself is what a scraper wants, so the
 * benchmarks can only be read one verified calculation at a time. For the same reason the honeypot is
 * checked after Turnstile here (a filled honeypot still gets its answer, and nothing is stored).
 */
export async function calculateRoiForProspect({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { request: RoiRequest; clientIp: string; eventId?: string };
}): Promise<RoiAnswer> {
  const { request, clientIp } = input;
  const id = input.eventId ?? newId();
  const occurredAt = new Date().toISOString();
  const contact = request.email ? toContactCapture({ ...request, email: request.email }, 'roi_calculator', occurredAt) : undefined;

  const [benchmark] = await Promise.all([
    benchmarkFor(ctx, request.industry),
    admitSubmission({
      ctx,
      input: { emailNormalized: contact?.email_normalized, clientIp, turnstileToken: request.turnstile_token, action: 'roi_calculator', eventId: id },
    }),
  ]);
  const answer = roiAnswer(
    id,
    request,
    benchmark,
    calculateRoi({ customerCount: request.customer_count, avgRevenue: request.avg_revenue, churnRatePercent: request.churn_rate }, benchmark),
  );

  if (isSpam(request)) {
    logger.info('roi.spam_honeypot', { request_id: ctx.requestId });
    return answer;
  }
  const { id: _id, ...result } = answer;
  const event: RoiCalculatedEvent = {
    id,
    type: 'roi.calculated',
    occurred_at: occurredAt,
    request_id: ctx.requestId,
    workspace_id: ctx.workspace.id,
    input: {
      industry: request.industry,
      customer_count: request.customer_count,
      avg_revenue: request.avg_revenue,
      churn_rate: request.churn_rate,
      currency: request.currency,
    },
    result,
    ...(contact ? { contact } : {}),
  };
  await publishEvents({ env: ctx.env, core: ctx.config.core }, [event]);

  return answer;
}
