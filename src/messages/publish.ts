import type { CoreConfig } from '../config';
import { localQueueGauge } from '../durable-objects/local-queue-gauge';
import { describeError, logger } from '../logger';
import type { DeliveryMessage } from './deliveries';
import type { EventMessage } from './events';

interface Producer {
  env: Env;
  core: Pick<CoreConfig, 'localQueueGauge'>;
}

/** Queues take at most 100 messages per sendBatch. */
const SEND_BATCH = 100;

/**
 * The one way an event goes onto the durable "events" queue (every accepted submission, calculation,
 * download, booking change and webhook). Under `npm run dev` the local gauge also learns of it, so that
 * stopping the dev stack can wait for the in-memory queue to drain.
 */
export async function publishEvents(p: Producer, events: EventMessage[], opts: { delaySeconds?: number } = {}): Promise<void> {
  for (let i = 0; i < events.length; i += SEND_BATCH) {
    const chunk = events.slice(i, i + SEND_BATCH);
    await p.env.EVENTS_QUEUE.sendBatch(chunk.map((body) => ({ body, contentType: 'json' as const, delaySeconds: opts.delaySeconds })));
    if (p.core.localQueueGauge) {
      await localQueueGauge(p.env)
        .track(chunk.map((e) => e.id))
        .catch((err: unknown) => logger.warn('dev.queue_gauge_failed', { error: describeError(err) }));
    }
  }
}

/** The consumer is done with these events for good (stored, or recorded as failed). */
export async function eventsSettled(p: Producer, ids: string[]): Promise<void> {
  if (!p.core.localQueueGauge || ids.length === 0) return;
  await localQueueGauge(p.env)
    .settle(ids)
    .catch((err: unknown) => logger.warn('dev.queue_gauge_failed', { error: describeError(err) }));
}

/** Puts outbox rows of one workspace on the "deliveries" queue, 100 per send. */
export async function publishDeliveries(env: Env, workspaceId: string, ids: string[], opts: { delaySeconds?: number } = {}): Promise<void> {
  for (let i = 0; i < ids.length; i += SEND_BATCH) {
    const messages: DeliveryMessage[] = ids.slice(i, i + SEND_BATCH).map((delivery_id) => ({ delivery_id, workspace_id: workspaceId }));
    await env.DELIVERIES_QUEUE.sendBatch(messages.map((body) => ({ body, contentType: 'json' as const, delaySeconds: opts.delaySeconds })));
  }
}
