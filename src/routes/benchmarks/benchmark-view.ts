import { z } from '@hono/zod-openapi';
import type { IndustryBenchmarkRow } from '../../db/schema';
import { INDUSTRIES, ROI_LIMITS } from '../../domain/roi';

export const IndustryParam = z.object({
  industry: z.enum(INDUSTRIES).openapi({ param: { name: 'industry', in: 'path' }, description: 'Industry.', example: 'saas' }),
});

/** The editable numbers of one industry (PUT replaces them all). */
export const BenchmarkInputSchema = z
  .strictObject({
    expected_churn_reduction_percent: z
      .number()
      .min(0)
      .max(100)
      .openapi({ description: 'Share of monthly churn the product prevents, in percent (0–100; kept to 2 decimals).', example: 15 }),
    implementation_cost: z
      .number()
      .min(0)
      .max(ROI_LIMITS.maxImplementationCost)
      .openapi({ description: 'One-off roll-out cost (0–100,000,000).', example: 5000 }),
    time_to_value_months: z
      .number()
      .int()
      .min(0)
      .max(ROI_LIMITS.maxTimeToValueMonths)
      .openapi({ description: `Whole months before savings start (0–${ROI_LIMITS.maxTimeToValueMonths}).`, example: 2 }),
    source: z
      .string()
      .trim()
      .max(500)
      .nullable()
      .optional()
      .openapi({ description: 'Where the numbers come from (shown to whoever edits them next).', example: '2026 customer study, n=42' }),
  })
  .openapi('BenchmarkInput');

export const BenchmarkSchema = BenchmarkInputSchema.extend({
  industry: z.enum(INDUSTRIES).openapi({ description: 'Industry.', example: 'saas' }),
  source: z.string().nullable().openapi({ description: 'Where the numbers come from.', example: 'Default: subscription software.' }),
  updated_at: z.string().openapi({ description: 'Last changed.', example: '2026-11-24T10:00:00.000Z' }),
}).openapi('Benchmark');

export function benchmarkView(row: IndustryBenchmarkRow): z.infer<typeof BenchmarkSchema> {
  return {
    industry: row.industry as (typeof INDUSTRIES)[number],
    expected_churn_reduction_percent: Number(row.expectedChurnReductionPercent),
    implementation_cost: Number(row.implementationCost),
    time_to_value_months: row.timeToValueMonths,
    source: row.source,
    updated_at: row.updatedAt.toISOString(),
  };
}
