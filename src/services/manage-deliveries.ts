import { and, desc, eq, inArray, lt, type SQL } from 'drizzle-orm';
import type { Database, Queryable } from '../db/client';
import { keysetPage, type Page } from '../db/paging';
import { deliveries, type Delivery, type DeliveryStatus } from '../db/schema';
import { enqueueDeliveries, type DeliveryMessage } from '../fanout/record-deliveries';
import { ApiError } from '../http/errors';

export interface DeliveryFilter {
  status?: DeliveryStatus;
  destination?: string;
  key?: string;
  leadId?: string;
  after?: string;
  limit: number;
}

export async function listDeliveries(db: Queryable, f: DeliveryFilter): Promise<Page<Delivery>> {
  const where: SQL[] = [];
  if (f.status) where.push(eq(deliveries.status, f.status));
  if (f.destination) where.push(eq(deliveries.destination, f.destination));
  if (f.key) where.push(eq(deliveries.key, f.key));
  if (f.leadId) where.push(eq(deliveries.leadId, f.leadId));
  if (f.after) where.push(lt(deliveries.id, f.after));
  const rows = await db.select().from(deliveries).where(where.length ? and(...where) : undefined).orderBy(desc(deliveries.id)).limit(f.limit + 1);
  return keysetPage(rows, f.limit);
}

/** Failed → pending with a fresh attempt budget, then onto the queue. */
async function reopen(db: Database, queue: Queue<DeliveryMessage>, where: SQL): Promise<string[]> {
  const reopened = await db
    .update(deliveries)
    .set({ status: 'pending', attempts: 0, nextAttemptAt: new Date(), lockedUntil: null, enqueuedAt: null, updatedAt: new Date() })
    .where(and(eq(deliveries.status, 'failed'), where))
    .returning({ id: deliveries.id });
  const ids = reopened.map((r) => r.id);
  await enqueueDeliveries(db, queue, ids);
  return ids;
}

export async function replayDelivery(db: Database, queue: Queue<DeliveryMessage>, id: string): Promise<void> {
  const [current] = await db.select({ status: deliveries.status }).from(deliveries).where(eq(deliveries.id, id));
  if (!current) throw new ApiError('not_found', { detail: 'No delivery with this id.' });
  if (current.status !== 'failed') throw new ApiError('conflict', { detail: `Only failed deliveries can be replayed; this one is ${current.status}.` });
  await reopen(db, queue, eq(deliveries.id, id));
}

export async function replayFailedDeliveries(db: Database, queue: Queue<DeliveryMessage>, destination: string, key?: string): Promise<number> {
  const ids = await db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(and(eq(deliveries.status, 'failed'), eq(deliveries.destination, destination), key ? eq(deliveries.key, key) : undefined))
    .limit(1000);
  if (ids.length === 0) return 0;
  return (await reopen(db, queue, inArray(deliveries.id, ids.map((r) => r.id)))).length;
}
