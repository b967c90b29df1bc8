import { loadConfig } from '../config';
import { logger } from '../logger';
import type { EventMessage } from '../messages/events';
import { publishEvents } from '../messages/publish';

/**
 * "events" dead-letter queue. An event lands here after its retries ran out — in practice because
 * Postgres was unreachable for longer than the retry schedule (an event that cannot be written is
 * recorded as failed instead, see events-consumer.ts). An accepted event must never be lost, so it goes
 * back on the events queue after a pause, and every pass is logged as an error for an operator.
 */
export async function consumeDeadEvents(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const config = loadConfig(env);
  const delaySeconds = config.delivery.eventsRedriveDelaySeconds;
  for (const msg of batch.messages) {
    const body = msg.body as { id?: string; type?: string } | undefined;
    logger.error('events.dead_lettered', { event_id: body?.id, type: body?.type, redrive_in_seconds: delaySeconds });
  }
  try {
    // Back as they came: the consumer validates them again.
    await publishEvents(
      { env, core: config.core },
      batch.messages.map((m) => m.body as EventMessage),
      { delaySeconds },
    );
    batch.ackAll();
  } catch {
    batch.retryAll({ delaySeconds: 60 });
  }
}
