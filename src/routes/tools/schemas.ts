import { z } from '@hono/zod-openapi';
import { HORIZON_MONTHS, INDUSTRIES, ROI_LIMITS } from '../../domain/roi';
import { EmailSchema } from '../../http/schemas/common';
import { contactFields } from '../../http/schemas/lead-submission';

const money = (description: string, example: number) => z.number().openapi({ description, example });

/** Contact fields only make sense with an email: without one the calculation is anonymous. */
const NEEDS_EMAIL = ['name', 'company', 'company_domain', 'phone', 'consent'] as const;

export const RoiRequestSchema = z
  .strictObject({
    industry: z.enum(INDUSTRIES).openapi({ description: "The prospect's industry; selects the benchmarks.", example: 'saas' }),
    customer_count: z
      .number()
      .int('must be a whole number')
      .min(1)
      .max(ROI_LIMITS.maxCustomerCount)
      .openapi({ description: `Number of paying customers (1–${ROI_LIMITS.maxCustomerCount.toLocaleString('en-US')}).`, example: 1000 }),
    avg_revenue: z
      .number()
      .gt(0, 'must be greater than 0')
      .max(ROI_LIMITS.maxAvgRevenue)
      .openapi({ description: 'Average revenue per customer per month (more than 0, at most 10,000,000).', example: 100 }),
    churn_rate: z.number().min(0).max(100).openapi({ description: 'Monthly churn in percent (0–100): share of customers lost each month.', example: 5 }),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "USD"')
      .default('USD')
      .openapi({ description: 'ISO 4217 code the amounts are in. A label only: no exchange rate is applied.', example: 'USD' }),
    ...contactFields,
    email: EmailSchema.optional().openapi({
      description: 'Optional: leave it to receive a follow-up; the calculation is then attached to your lead record.',
      example: 'jane.doe@acme.com',
    }),
  })
  .superRefine((body, ctx) => {
    if (body.email) return;
    for (const field of NEEDS_EMAIL) {
      if (body[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'needs an email address' });
    }
  })
  .openapi('RoiCalculationRequest');

export type RoiRequest = z.infer<typeof RoiRequestSchema>;

export const RoiAnswerSchema = z
  .object({
    id: z.uuid().openapi({
      description: 'Calculation id (UUIDv7). Pass it as `calculation_id` to POST /api/v1/leads if the email is asked for later.',
      example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f',
    }),
    industry: z.enum(INDUSTRIES).openapi({ description: 'Industry used.', example: 'saas' }),
    currency: z.string().openapi({ description: 'Currency of every amount.', example: 'USD' }),
    potential_savings: money(
      `Net savings over the first ${HORIZON_MONTHS} months, after the implementation cost. Negative when the first year costs more than it saves.`,
      2500,
    ),
    retention_uplift_percent: z.number().openapi({ description: 'Percentage points of monthly retention gained.', example: 0.75 }),
    break_even_point_months: z
      .number()
      .nullable()
      .openapi({ description: 'Months until the savings cover the cost (rounded up to 0.1); null when it never happens within 10 years.', example: 8.7 }),
    break_even: z.string().openapi({ description: 'The break-even in words, ready to show.', example: 'After 8.7 months.' }),
    assumptions: z
      .object({
        expected_churn_reduction_percent: z.number().openapi({ description: 'Share of churn prevented (industry benchmark).', example: 15 }),
        implementation_cost: z.number().openapi({ description: 'One-off roll-out cost (industry benchmark).', example: 5000 }),
        time_to_value_months: z.number().int().openapi({ description: 'Months before savings start (industry benchmark).', example: 2 }),
        horizon_months: z.number().int().openapi({ description: 'Period `potential_savings` covers.', example: HORIZON_MONTHS }),
      })
      .openapi({ description: 'The benchmark values the result was computed with.' }),
    working: z
      .object({
        monthly_revenue: money('customer_count × avg_revenue.', 100000),
        monthly_revenue_lost_to_churn: money('monthly_revenue × churn_rate / 100.', 5000),
        monthly_revenue_retained: money('Revenue lost to churn × expected_churn_reduction_percent / 100.', 750),
        retention_before_percent: z.number().openapi({ description: '100 − churn_rate.', example: 95 }),
        retention_after_percent: z.number().openapi({ description: 'Monthly retention with the product.', example: 95.75 }),
      })
      .openapi({ description: 'Intermediate values, so the page can show its working.' }),
  })
  .openapi('RoiCalculation');

export type RoiAnswer = z.infer<typeof RoiAnswerSchema>;
