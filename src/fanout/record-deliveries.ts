import { and, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../db/client';
import { deliveries } from '../db/schema';
import { newId } from '../domain/ids';
import { describeError, logger } from '../logger';
import type { DeliveryRequest } from './types';

export interface DeliveryMessage {
  delivery_id: string;
}

/** Writes the outbox rows for one event (inside the event's transaction). Returns the new rows' ids. */
export async function recordDeliveries(db: Queryable, eventId: string, requests: DeliveryRequest[]): Promise<string[]> {
  if (requests.length === 0) return [];
  const rows = requests.map((r) => ({
    id: newId(),
    eventId,
    leadId: r.leadId ?? null,
    destination: r.destination,
    key: r.key ?? 'default',
    payload: r.payload as unknown as Record<string, unknown>,
  }));
  const inserted = await db.insert(deliveries).values(rows).onConflictDoNothing().returning({ id: deliveries.id });
  return inserted.map((r) => r.id);
}

/**
 * Puts delivery ids on the "deliveries" queue and stamps them as enqueued. If the send is lost the rows
 * stay un-stamped and the cron sweep (sweep-deliveries.ts) sends them again.
 */
export async function enqueueDeliveries(db: Queryable, queue: Queue<DeliveryMessage>, ids: string[], delaySeconds?: number): Promise<void> {
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100);
    try {
      await queue.sendBatch(chunk.map((id) => ({ body: { delivery_id: id }, contentType: 'json' as const, delaySeconds })));
      await db.update(deliveries).set({ enqueuedAt: new Date() }).where(and(inArray(deliveries.id, chunk), eq(deliveries.status, 'pending')));
    } catch (err) {
      logger.error('deliveries.enqueue_failed', { count: chunk.length, error: describeError(err) });
    }
  }
}
