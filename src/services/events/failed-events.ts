import { sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client';
import { events } from '../../db/schema';
import { storableJson } from '../../domain/text';

export interface FailedEvent {
  id: string;
  type: string;
  reason: string;
  /** The message as queued, kept so that it can be replayed once the cause is fixed. */
  body: unknown;
}

/**
 * Records events that can never be written as they are: `failed`, with the reason and the message,
 * in the ledger (GET /api/v1/events/{id} shows them; POST …/replay queues them again). An event already
 * stored is left alone.
 */
export async function recordFailedEvents(db: Queryable, failed: FailedEvent[]): Promise<void> {
  if (failed.length === 0) return;
  const rows = failed.map((f) => {
    const copy = storableJson(f.body, 64);
    return {
      id: f.id,
      type: f.type.slice(0, 100),
      state: 'failed' as const,
      reason: f.reason.slice(0, 1000),
      body: copy === 'too_deep' ? { unreadable: 'nested too deeply to keep' } : copy.value,
    };
  });
  await db
    .insert(events)
    .values(rows)
    .onConflictDoUpdate({
      target: events.id,
      set: { reason: sql`excluded.reason`, body: sql`excluded.body`, recordedAt: sql`now()` },
      setWhere: sql`${events.state} = 'failed'`,
    });
}
