import { loadConfig } from '../config';
import { openDatabase } from '../db/client';
import { backoffSeconds } from '../domain/backoff';
import { type DeliverOutcome, deliverBatch, settleDeadLetters } from '../fanout/deliver';
import { describeError, logger } from '../logger';
import { DeliveryMessageSchema } from '../messages/deliveries';

/** The messages of a batch that name a delivery; others are acknowledged (nothing could ever work them). */
function readable(batch: MessageBatch<unknown>): Array<{ msg: Message<unknown>; id: string }> {
  return batch.messages.flatMap((msg) => {
    const parsed = DeliveryMessageSchema.safeParse(msg.body);
    if (parsed.success) return [{ msg, id: parsed.data.delivery_id }];
    logger.error('deliveries.unreadable_message', { message_id: msg.id });
    msg.ack();
    return [];
  });
}

/** "deliveries" queue: the whole batch is worked at once (deliver.ts); the retry schedule is the consumer's. */
export async function consumeDeliveries(batch: MessageBatch<unknown>, env: Env, execution: ExecutionContext): Promise<void> {
  const config = loadConfig(env);
  const work = readable(batch);
  if (work.length === 0) return;
  const { db, close } = openDatabase(config.core);
  try {
    const outcomes = await deliverBatch(env, config, db, [...new Set(work.map((w) => w.id))]);
    const seen = new Set<string>();
    for (const { msg, id } of work) {
      // A second copy of a message in the same batch: the first one's call is the only one.
      const outcome: DeliverOutcome = seen.has(id) ? { action: 'ack', reason: 'busy' } : (outcomes.get(id) ?? { action: 'ack', reason: 'busy' });
      seen.add(id);
      if (outcome.action === 'retry') msg.retry({ delaySeconds: outcome.delaySeconds });
      else msg.ack();
    }
  } catch (err) {
    // Database trouble: the rows are untouched or still locked; the queue brings the messages back.
    logger.error('deliveries.batch_failed', { size: work.length, error: describeError(err) });
    for (const { msg } of work) msg.retry({ delaySeconds: backoffSeconds(msg.attempts + 1, { baseSeconds: 15, maxSeconds: 300 }) });
  } finally {
    execution.waitUntil(close());
  }
}

/** "deliveries" dead-letter queue: settle each row (failed for an operator to replay, or back to the sweep). */
export async function consumeDeadDeliveries(batch: MessageBatch<unknown>, env: Env, execution: ExecutionContext): Promise<void> {
  const config = loadConfig(env);
  const work = readable(batch);
  if (work.length === 0) return;
  const { db, close } = openDatabase(config.core);
  try {
    const { failed, requeued } = await settleDeadLetters(db, config, [...new Set(work.map((w) => w.id))]);
    logger.error('delivery.dead_lettered', { count: work.length, failed: failed.length, requeued: requeued.length });
    for (const { msg } of work) msg.ack();
  } catch (err) {
    logger.error('deliveries.dlq_failed', { error: describeError(err) });
    for (const { msg } of work) msg.retry({ delaySeconds: 30 });
  } finally {
    execution.waitUntil(close());
  }
}
