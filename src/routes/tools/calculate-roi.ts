import { BREAK_EVEN_LIMIT_MONTHS, HORIZON_MONTHS } from '../../domain/roi';
import { acceptedHeaders, idempotent } from '../../http/idempotency';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { AcceptedHeaders, IdempotencyKeyHeader, publicWriteErrors } from '../../http/schemas/common';
import { clientIp, serviceContext } from '../../http/service-context';
import { calculateRoiForProspect } from '../../services/calculate-roi';
import { RoiAnswerSchema, RoiRequestSchema } from './schemas';

const FORMULA = [
  "The formula (per month, amounts in `currency`; the benchmarks come from the industry's row, editable by marketing):",
  '',
  '- `monthly_revenue = customer_count × avg_revenue`',
  '- `monthly_revenue_lost_to_churn = monthly_revenue × churn_rate / 100`',
  '- `monthly_revenue_retained = monthly_revenue_lost_to_churn × expected_churn_reduction_percent / 100`',
  '- `retention_uplift_percent = churn_rate × expected_churn_reduction_percent / 100` (percentage points of monthly retention)',
  `- \`potential_savings = monthly_revenue_retained × max(0, ${HORIZON_MONTHS} − time_to_value_months) − implementation_cost\` (net, first ${HORIZON_MONTHS} months)`,
  '- `break_even_point_months = time_to_value_months + implementation_cost / monthly_revenue_retained`, rounded up to 0.1; ' +
    `\`null\` (and \`break_even\` says so in words) when nothing is retained or it would take more than ${BREAK_EVEN_LIMIT_MONTHS} months.`,
  '',
  'Money is rounded to 2 decimals. No exchange rate is applied: `currency` labels the amounts.',
].join('\n');

export const calculateRoiRoute = defineRoute('public', {
  method: 'post',
  path: '/tools/calculate-roi',
  tags: ['Tools'],
  summary: 'Calculate the ROI of reducing churn',
  description:
    "Computes the prospect's potential savings from the industry benchmarks and answers at once. Turnstile (action " +
    '`roi_calculator`) is required on every calculation, with or without an email, so that the benchmarks cannot be ' +
    'scraped; per-network (and per-email) limits apply. Every calculation is recorded through the events queue; with an ' +
    'email the lead is created or updated, a `roi_calculated` event is added to its history and sales is notified.\n\n' +
    FORMULA,
  request: {
    headers: IdempotencyKeyHeader,
    body: { required: true, content: { 'application/json': { schema: RoiRequestSchema } } },
  },
  responses: {
    200: {
      description: 'The result, with the assumptions and working behind it. The calculation is recorded through the events queue (`Location`).',
      headers: AcceptedHeaders,
      content: { 'application/json': { schema: RoiAnswerSchema } },
    },
    ...publicWriteErrors,
  },
});

export const calculateRoi = createRouter().openapi(calculateRoiRoute, async (c) => {
  const request = c.req.valid('json');
  const { turnstile_token, ...fingerprint } = request;
  const answer = await idempotent(c, 'roi', fingerprint, async (eventId) => ({
    status: 200 as const,
    body: await calculateRoiForProspect({ ctx: serviceContext(c), input: { request, clientIp: clientIp(c), eventId } }),
  }));
  acceptedHeaders(c, answer.body.id, answer.replayed);
  return c.json(answer.body, answer.status);
});
