import { asc } from 'drizzle-orm';
import { type IndustryBenchmarkRow, industryBenchmarks } from '../db/schema';
import type { Industry } from '../domain/roi';
import { logger } from '../logger';
import { invalidateBenchmarks } from './benchmark-cache';
import type { ServiceContext } from './context';

export interface BenchmarkInput {
  expected_churn_reduction_percent: number;
  implementation_cost: number;
  time_to_value_months: number;
  source?: string | null;
}

/** Every industry's benchmarks as stored (not the cache). */
export function listBenchmarks({ ctx }: { ctx: ServiceContext; input?: undefined }): Promise<IndustryBenchmarkRow[]> {
  return ctx.inWorkspace((db) => db.select().from(industryBenchmarks).orderBy(asc(industryBenchmarks.industry)));
}

/** Replaces one industry's numbers and drops this isolate's cached copy, so the next calculation uses them. */
export async function saveBenchmark({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { industry: Industry; benchmark: BenchmarkInput };
}): Promise<IndustryBenchmarkRow> {
  const { industry, benchmark } = input;
  const values = {
    expectedChurnReductionPercent: benchmark.expected_churn_reduction_percent,
    implementationCost: benchmark.implementation_cost,
    timeToValueMonths: benchmark.time_to_value_months,
    source: benchmark.source ?? null,
    updatedAt: new Date(),
  };
  const [row] = await ctx.inWorkspace((db) =>
    db
      .insert(industryBenchmarks)
      .values({ industry, ...values })
      .onConflictDoUpdate({ target: [industryBenchmarks.workspaceId, industryBenchmarks.industry], set: values })
      .returning(),
  );
  invalidateBenchmarks(ctx.workspace.id);
  logger.info('benchmarks.updated', { request_id: ctx.requestId, actor: ctx.actor, industry });
  return row!;
}
