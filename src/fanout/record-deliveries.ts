import { and, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../db/client';
import { deliveries } from '../db/schema';
import { newId } from '../domain/ids';
import { describeError, logger } from '../logger';
import { publishDeliveries } from '../messages/publish';
import type { DeliveryRequest } from './types';

/**
 * The outbox: what events cause is written as `deliveries` rows in the events' own transaction (one
 * statement for a whole batch), so nothing accepted can be forgotten by the fan-out. Returns the new
 * rows' ids; a row that exists for (event, destination, key) is not written twice.
 */
export async function recordDeliveries(db: Queryable, groups: Array<{ eventId: string; requests: DeliveryRequest[] }>): Promise<string[]> {
  const rows = groups.flatMap(({ eventId, requests }) =>
    requests.map((r) => ({
      id: newId(),
      eventId,
      leadId: r.leadId ?? null,
      destination: r.destination,
      key: r.key,
      payload: r.payload as unknown as Record<string, unknown>,
    })),
  );
  if (rows.length === 0) return [];
  const inserted = await db.insert(deliveries).values(rows).onConflictDoNothing().returning({ id: deliveries.id });
  return inserted.map((r) => r.id);
}

/**
 * Puts outbox rows of one workspace (`db` is its transaction) on the "deliveries" queue and stamps them as enqueued. If the send is lost the rows
 * stay un-stamped and the cron sweep (sweep.ts) sends them again.
 */
export async function enqueueDeliveries(db: Queryable, env: Env, workspaceId: string, ids: string[], opts: { delaySeconds?: number } = {}): Promise<void> {
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100);
    try {
      await publishDeliveries(env, workspaceId, chunk, opts);
      await db
        .update(deliveries)
        .set({ enqueuedAt: new Date() })
        .where(and(inArray(deliveries.id, chunk), eq(deliveries.status, 'pending')));
    } catch (err) {
      logger.error('deliveries.enqueue_failed', { count: chunk.length, error: describeError(err) });
    }
  }
}
