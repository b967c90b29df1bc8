import { loadConfig } from '../config';
import { isTransientDatabaseError, openDatabase } from '../db/client';
import { backoffSeconds } from '../domain/backoff';
import { enqueueDeliveries } from '../fanout/record-deliveries';
import { describeError, logger } from '../logger';
import { EventEnvelopeSchema, type EventMessage, EventMessageSchema } from '../messages/events';
import { eventsSettled } from '../messages/publish';
import { type FailedEvent, recordFailedEvents } from '../services/events/failed-events';
import { writeEvents } from '../services/events/write-events';
import { consumerContext } from './consumer-context';

/** A message whose write failed comes back after 5 s, 10 s, 20 s … at most 5 minutes. */
const WRITE_RETRY = { baseSeconds: 5, maxSeconds: 300 };

/**
 * The "events" queue consumer. Every message is parsed with its contract first; one that does not
 * parse can never be applied, so it is recorded as failed (with its body and the reason, for an
 * operator to fix and replay) and acknowledged. The rest are written in one transaction by the
 * set-based writer, then acknowledged, then their deliveries are queued. If the batch cannot be
 * written because of one message (its data, or a bug it triggers), each message is written alone: only
 * that one is recorded as failed. If the database is unreachable, every message is retried with backoff (and, once the queue
 * gives up, parked on the dead-letter queue, which puts it back later): nothing accepted is lost.
 */
export async function consumeEvents(batch: MessageBatch<unknown>, env: Env, execution: ExecutionContext): Promise<void> {
  const config = loadConfig(env);
  const work: Array<{ msg: Message<unknown>; event: EventMessage }> = [];
  const unreadable: Array<{ msg: Message<unknown>; failed?: FailedEvent }> = [];
  for (const msg of batch.messages) {
    const parsed = EventMessageSchema.safeParse(msg.body);
    if (parsed.success) {
      work.push({ msg, event: parsed.data });
      continue;
    }
    const envelope = EventEnvelopeSchema.safeParse(msg.body);
    const reason = `not a valid event: ${parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(message)'} ${i.message}`)
      .join('; ')}`.slice(0, 1000);
    logger.error('events.unreadable_message', { message_id: msg.id, event_id: envelope.data?.id, type: envelope.data?.type, reason });
    unreadable.push({ msg, failed: envelope.success ? { id: envelope.data.id, type: envelope.data.type, reason, body: msg.body } : undefined });
  }

  const started = Date.now();
  const { db, close } = openDatabase(config.core);
  try {
    const deliveryIds = await db.transaction(async (tx) => {
      await recordFailedEvents(
        tx,
        unreadable.flatMap((u) => (u.failed ? [u.failed] : [])),
      );
      return (await writeEvents({ ctx: consumerContext(env, config, execution, tx), input: work.map((w) => w.event) })).deliveryIds;
    });
    for (const m of batch.messages) m.ack();
    logger.info('events.batch_written', {
      size: batch.messages.length,
      unreadable: unreadable.length,
      deliveries: deliveryIds.length,
      duration_ms: Date.now() - started,
    });
    await eventsSettled({ env, core: config.core }, [...work.map((w) => w.event.id), ...unreadable.flatMap((u) => (u.failed ? [u.failed.id] : []))]);
    // After the commit: a lost send here is recovered by the cron sweep, never by losing the delivery.
    await enqueueDeliveries(db, env, deliveryIds);
  } catch (err) {
    if (isTransientDatabaseError(err)) {
      // The database is unreachable or the commit was refused: nothing was written; all come back.
      logger.error('events.batch_failed', { size: batch.messages.length, error: describeError(err) });
      for (const m of batch.messages) m.retry({ delaySeconds: backoffSeconds(m.attempts, WRITE_RETRY) });
      return;
    }
    // Some message's data (or a bug it triggers) broke the batch: find it, and write the others.
    logger.warn('events.batch_isolating', { size: batch.messages.length, error: describeError(err) });
    await writeOneByOne(env, config, execution, db, work, unreadable);
  } finally {
    execution.waitUntil(close());
  }
}

/** The fallback when some message's data broke the batch: each message on its own, so it costs only itself. */
async function writeOneByOne(
  env: Env,
  config: ReturnType<typeof loadConfig>,
  execution: ExecutionContext,
  db: ReturnType<typeof openDatabase>['db'],
  work: Array<{ msg: Message<unknown>; event: EventMessage }>,
  unreadable: Array<{ msg: Message<unknown>; failed?: FailedEvent }>,
): Promise<void> {
  const settled: string[] = [];
  for (const u of unreadable) {
    try {
      if (u.failed) await recordFailedEvents(db, [u.failed]);
      u.msg.ack();
    } catch (err) {
      logger.error('events.failed_not_recorded', { message_id: u.msg.id, error: describeError(err) });
      u.msg.retry({ delaySeconds: backoffSeconds(u.msg.attempts, WRITE_RETRY) });
    }
  }
  for (const { msg, event } of work) {
    try {
      const { deliveryIds } = await db.transaction((tx) => writeEvents({ ctx: consumerContext(env, config, execution, tx), input: [event] }));
      msg.ack();
      settled.push(event.id);
      await enqueueDeliveries(db, env, deliveryIds);
    } catch (err) {
      if (!isTransientDatabaseError(err)) {
        // This event cannot be written as it is (its data, or a bug): recorded as failed with the reason, for replay.
        try {
          await recordFailedEvents(db, [{ id: event.id, type: event.type, reason: `could not be written: ${describeError(err)}`, body: event }]);
          logger.error('events.write_failed', { event_id: event.id, type: event.type, error: describeError(err) });
          msg.ack();
          settled.push(event.id);
          continue;
        } catch (recordErr) {
          logger.error('events.failed_not_recorded', { event_id: event.id, error: describeError(recordErr) });
        }
      } else {
        logger.error('events.write_retry', { event_id: event.id, type: event.type, attempts: msg.attempts, error: describeError(err) });
      }
      msg.retry({ delaySeconds: backoffSeconds(msg.attempts, WRITE_RETRY) });
    }
  }
  await eventsSettled({ env, core: config.core }, settled);
}
