import type { Queryable } from '../db/client';
import { industryBenchmarks, type IndustryBenchmarkRow } from '../db/schema';
import type { Industry } from '../domain/roi';
import { invalidateBenchmarks } from './benchmark-cache';

export interface BenchmarkInput {
  expected_churn_reduction_percent: number;
  implementation_cost: number;
  time_to_value_months: number;
  source?: string | null;
}

/** Replaces one industry's numbers and drops this isolate's cached copy, so the next calculation uses them. */
export async function saveBenchmark(db: Queryable, industry: Industry, input: BenchmarkInput): Promise<IndustryBenchmarkRow> {
  const values = {
    expectedChurnReductionPercent: input.expected_churn_reduction_percent,
    implementationCost: input.implementation_cost,
    timeToValueMonths: input.time_to_value_months,
    source: input.source ?? null,
    updatedAt: new Date(),
  };
  const [row] = await db
    .insert(industryBenchmarks)
    .values({ industry, ...values })
    .onConflictDoUpdate({ target: industryBenchmarks.industry, set: values })
    .returning();
  invalidateBenchmarks();
  return row!;
}
