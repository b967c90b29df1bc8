import type { Config } from '../config';
import { localQueueGauge } from '../durable-objects/local-queue-gauge';
import { describeError, logger } from '../logger';
import type { EventMessage } from '../queues/event-messages';

type Producer = { env: Env; config: Pick<Config, 'LOCAL_QUEUE_GAUGE'> };

/**
 * The one way an event goes onto the durable "events" queue (every accepted submission, calculation,
 * download, booking change and webhook). Under `npm run dev` the local gauge also learns of it, so that
 * stopping the dev stack can wait for the in-memory queue to drain.
 */
export async function publishEvents(p: Producer, events: EventMessage[], opts: { delaySeconds?: number } = {}): Promise<void> {
  if (events.length === 0) return;
  await p.env.EVENTS_QUEUE.sendBatch(events.map((body) => ({ body, contentType: 'json' as const, delaySeconds: opts.delaySeconds })));
  if (p.config.LOCAL_QUEUE_GAUGE) {
    await localQueueGauge(p.env).track(events.map((e) => e.id)).catch((err: unknown) => logger.warn('dev.queue_gauge_failed', { error: describeError(err) }));
  }
}

/** The consumer is done with these events for good (stored, or unreadable and logged). */
export async function eventsSettled(p: Producer, ids: string[]): Promise<void> {
  if (!p.config.LOCAL_QUEUE_GAUGE || ids.length === 0) return;
  await localQueueGauge(p.env).settle(ids).catch((err: unknown) => logger.warn('dev.queue_gauge_failed', { error: describeError(err) }));
}
