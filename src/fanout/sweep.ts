import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { deliveries } from '../db/schema';
import { logger } from '../logger';
import type { ServiceContext } from '../services/context';
import { enqueueDeliveries } from './record-deliveries';

/**
 * Cron, once per workspace: re-sends deliveries that are due but have not been on the queue recently —
 * a send lost after the commit, a consumer that died holding the lock. Duplicates are harmless (rows are
 * claimed).
 */
export async function sweepDeliveries({ ctx, input }: { ctx: ServiceContext; input: { graceSeconds?: number } }): Promise<number> {
  const stale = sql`now() - make_interval(secs => ${input.graceSeconds ?? 120})`;
  return ctx.inWorkspace(async (db) => {
    const rows = await db
      .select({ id: deliveries.id })
      .from(deliveries)
      .where(
        and(
          eq(deliveries.status, 'pending'),
          lt(deliveries.nextAttemptAt, stale),
          or(isNull(deliveries.enqueuedAt), lt(deliveries.enqueuedAt, stale)),
          or(isNull(deliveries.lockedUntil), lt(deliveries.lockedUntil, sql`now()`)),
        ),
      )
      .limit(500);
    if (rows.length > 0) {
      logger.warn('deliveries.swept', { workspace: ctx.workspace.slug, count: rows.length });
      await enqueueDeliveries(
        db,
        ctx.env,
        ctx.workspace.id,
        rows.map((r) => r.id),
      );
    }
    return rows.length;
  });
}
