import { asc, eq } from 'drizzle-orm';
import { type Delivery, deliveries, type EventRow, events } from '../db/schema';
import { logger } from '../logger';
import type { EventMessage } from '../messages/events';
import { publishEvents } from '../messages/publish';
import type { ServiceContext } from './context';
import { ServiceError } from './errors';

/** How long an event can sit on the queue (retries, the dead-letter queue's redrive) before it must be somewhere. */
const QUEUED_AT_MOST_MS = 14 * 86_400_000;

export type EventStatus =
  | { state: 'queued'; id: string; accepted_at: string }
  | { state: 'stored' | 'failed'; id: string; row: EventRow; deliveries: Delivery[] };

/** The moment a UUIDv7 was made (its first 48 bits), or null for another kind of id. */
function uuidV7Time(id: string): number | null {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(id)) return null;
  return parseInt(id.replaceAll('-', '').slice(0, 12), 16);
}

/**
 * What became of an event whose id a 202 handed out: `queued` (accepted, not yet in Postgres), `stored`
 * (with the lead and the deliveries it caused) or `failed` (with the reason). An id is only "queued" if
 * it is a UUIDv7 made in the last 14 days: an older id that never arrived, or one that was never handed
 * out, is not found.
 */
export async function eventStatus({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<EventStatus> {
  const stored = await ctx.inWorkspace(async (db) => {
    const [row] = await db.select().from(events).where(eq(events.id, input.id)).limit(1);
    if (!row) return null;
    const caused = await db.select().from(deliveries).where(eq(deliveries.eventId, input.id)).orderBy(asc(deliveries.id));
    return { state: row.state, id: row.id, row, deliveries: caused };
  });
  if (stored) return stored;
  const madeAt = uuidV7Time(input.id);
  const now = Date.now();
  if (madeAt !== null && madeAt <= now + 60_000 && now - madeAt < QUEUED_AT_MOST_MS)
    return { state: 'queued', id: input.id, accepted_at: new Date(madeAt).toISOString() };
  throw new ServiceError('not_found', { detail: 'No event with this id.' });
}

/** A failed event, once its cause is fixed, goes back on the queue as it was. */
export async function replayEvent({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<void> {
  const [row] = await ctx.inWorkspace((db) => db.select().from(events).where(eq(events.id, input.id)).limit(1));
  if (!row) throw new ServiceError('not_found', { detail: 'No event with this id.' });
  if (row.state !== 'failed' || !row.body) throw new ServiceError('conflict', { detail: `Only failed events can be replayed; this one is ${row.state}.` });
  // Back into the workspace it was stored in, whatever its body says.
  await publishEvents({ env: ctx.env, core: ctx.config.core }, [{ ...(row.body as EventMessage), workspace_id: ctx.workspace.id }]);
  logger.info('events.replayed', { request_id: ctx.requestId, actor: ctx.actor, event_id: row.id, type: row.type });
}
