import { type IndustryBenchmarkRow, industryBenchmarks } from '../db/schema';
import type { Industry, IndustryBenchmark } from '../domain/roi';
import { describeError, logger } from '../logger';
import { ServiceError } from '../services/errors';
import type { ServiceContext } from './context';

/**
 * Each workspace's industry benchmarks, kept in this isolate for BENCHMARK_CACHE_TTL_SECONDS so that a calculation
 * costs no database round trip on a warm worker. An admin edit clears this isolate's copy at once;
 * other isolates pick it up when their copy expires (at most the TTL later).
 *
 * Each miss loads for itself: sharing one in-flight load between requests would tie a request to
 * another request's I/O, which Workers does not allow.
 */
const snapshots = new Map<string, { loadedAt: number; byIndustry: Map<string, IndustryBenchmark> }>();
/** Bumped by every edit, so a load that started before the edit does not put the old rows back. */
let generation = 0;

export function toBenchmark(row: IndustryBenchmarkRow): IndustryBenchmark {
  return {
    industry: row.industry as Industry,
    expectedChurnReductionPercent: Number(row.expectedChurnReductionPercent),
    implementationCost: Number(row.implementationCost),
    timeToValueMonths: row.timeToValueMonths,
  };
}

export function invalidateBenchmarks(workspaceId: string): void {
  snapshots.delete(workspaceId);
  generation++;
}

export async function benchmarkFor(ctx: ServiceContext, industry: Industry, now = Date.now()): Promise<IndustryBenchmark> {
  const ttlMs = ctx.config.roi.benchmarkCacheTtlSeconds * 1000;
  let snapshot = snapshots.get(ctx.workspace.id);
  if (!snapshot || now - snapshot.loadedAt >= ttlMs) {
    const startedIn = generation;
    try {
      const rows = await ctx.inWorkspace((db) => db.select().from(industryBenchmarks));
      const loaded = { loadedAt: now, byIndustry: new Map(rows.map((r) => [r.industry, toBenchmark(r)])) };
      if (generation === startedIn) snapshots.set(ctx.workspace.id, loaded);
      snapshot = loaded;
      const found = loaded.byIndustry.get(industry);
      if (found) return found;
    } catch (err) {
      logger.error('benchmarks.load_failed', { request_id: ctx.requestId, error: describeError(err) });
      throw new ServiceError('service_unavailable', { retryAfterSeconds: 5 });
    }
  }
  const found = snapshot?.byIndustry.get(industry);
  if (!found) {
    // Every industry is seeded by migration; a missing row is an operator's mistake, not the caller's.
    logger.error('benchmarks.missing_industry', { request_id: ctx.requestId, industry });
    throw new ServiceError('service_unavailable');
  }
  return found;
}
