import { and, asc, desc, eq, inArray, lt, type SQL } from 'drizzle-orm';
import { keysetPage, type Page } from '../db/paging';
import { type Delivery, type DeliveryAttempt, type DeliveryStatus, deliveries, deliveryAttempts } from '../db/schema';
import { enqueueDeliveries } from '../fanout/record-deliveries';
import { logger } from '../logger';
import type { ServiceContext } from './context';
import { ServiceError } from './errors';

export interface DeliveryFilter {
  status?: DeliveryStatus;
  destination?: string;
  key?: string;
  leadId?: string;
  eventId?: string;
  after?: string;
  limit: number;
}

export async function listDeliveries({ ctx, input: f }: { ctx: ServiceContext; input: DeliveryFilter }): Promise<Page<Delivery>> {
  const where: SQL[] = [];
  if (f.status) where.push(eq(deliveries.status, f.status));
  if (f.destination) where.push(eq(deliveries.destination, f.destination));
  if (f.key) where.push(eq(deliveries.key, f.key));
  if (f.leadId) where.push(eq(deliveries.leadId, f.leadId));
  if (f.eventId) where.push(eq(deliveries.eventId, f.eventId));
  if (f.after) where.push(lt(deliveries.id, f.after));
  const rows = await ctx.inWorkspace((db) =>
    db
      .select()
      .from(deliveries)
      .where(where.length ? and(...where) : undefined)
      .orderBy(desc(deliveries.id))
      .limit(f.limit + 1),
  );
  return keysetPage(rows, f.limit);
}

/** One delivery with every call made to its provider. */
export async function getDelivery({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { id: string };
}): Promise<{ delivery: Delivery; attempts: DeliveryAttempt[] }> {
  return ctx.inWorkspace(async (db) => {
    const [delivery] = await db.select().from(deliveries).where(eq(deliveries.id, input.id)).limit(1);
    if (!delivery) throw new ServiceError('not_found', { detail: 'No delivery with this id.' });
    const attempts = await db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, input.id)).orderBy(asc(deliveryAttempts.attempt));
    return { delivery, attempts };
  });
}

/** Failed → pending with a fresh attempt budget, then onto the queue. */
async function reopen(ctx: ServiceContext, where: SQL): Promise<string[]> {
  const reopened = await ctx.inWorkspace((db) =>
    db
      .update(deliveries)
      .set({ status: 'pending', attempts: 0, nextAttemptAt: new Date(), lockedUntil: null, enqueuedAt: null, updatedAt: new Date() })
      .where(and(eq(deliveries.status, 'failed'), where))
      .returning({ id: deliveries.id }),
  );
  const ids = reopened.map((r) => r.id);
  // After the commit: a lost send leaves the rows for the cron sweep.
  await ctx.inWorkspace((db) => enqueueDeliveries(db, ctx.env, ctx.workspace.id, ids));
  logger.info('deliveries.replayed', { request_id: ctx.requestId, actor: ctx.actor, count: ids.length });
  return ids;
}

export async function replayDelivery({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<number> {
  const [current] = await ctx.inWorkspace((db) => db.select({ status: deliveries.status }).from(deliveries).where(eq(deliveries.id, input.id)));
  if (!current) throw new ServiceError('not_found', { detail: 'No delivery with this id.' });
  if (current.status !== 'failed') throw new ServiceError('conflict', { detail: `Only failed deliveries can be replayed; this one is ${current.status}.` });
  return (await reopen(ctx, eq(deliveries.id, input.id))).length;
}

export async function replayFailedDeliveries({ ctx, input }: { ctx: ServiceContext; input: { destination: string; key?: string } }): Promise<number> {
  const ids = await ctx.inWorkspace((db) =>
    db
      .select({ id: deliveries.id })
      .from(deliveries)
      .where(and(eq(deliveries.status, 'failed'), eq(deliveries.destination, input.destination), input.key ? eq(deliveries.key, input.key) : undefined))
      .limit(1000),
  );
  if (ids.length === 0) return 0;
  return (
    await reopen(
      ctx,
      inArray(
        deliveries.id,
        ids.map((r) => r.id),
      ),
    )
  ).length;
}
