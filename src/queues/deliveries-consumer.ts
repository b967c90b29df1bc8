import { loadConfig } from '../config';
import { openDatabase } from '../db/client';
import { deliver, settleDeadLetter } from '../fanout/deliver';
import type { DeliveryMessage } from '../fanout/record-deliveries';
import { describeError, logger } from '../logger';

function deliveryIdOf(msg: Message<unknown>): string | undefined {
  const id = (msg.body as DeliveryMessage | undefined)?.delivery_id;
  return typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id) ? id : undefined;
}

/** "deliveries" queue: each message is one delivery; the retry schedule is the consumer's (deliver.ts). */
export async function consumeDeliveries(batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext): Promise<void> {
  const config = loadConfig(env);
  const { db, close } = openDatabase(config);
  try {
    await Promise.all(
      batch.messages.map(async (msg) => {
        const id = deliveryIdOf(msg);
        if (!id) {
          logger.error('deliveries.unreadable_message', { message_id: msg.id });
          return msg.ack();
        }
        try {
          const outcome = await deliver(env, config, db, id);
          if (outcome.action === 'retry') msg.retry({ delaySeconds: outcome.delaySeconds });
          else msg.ack();
        } catch (err) {
          // Database trouble: the row is untouched or still locked; the queue brings the message back.
          logger.error('deliveries.process_failed', { delivery_id: id, error: describeError(err) });
          msg.retry({ delaySeconds: Math.min(300, 15 * 2 ** Math.min(msg.attempts, 5)) });
        }
      }),
    );
  } finally {
    ctx.waitUntil(close());
  }
}

/** "deliveries" dead-letter queue: settle each row (failed for an operator to replay, or back to the sweep). */
export async function consumeDeadDeliveries(batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext): Promise<void> {
  const config = loadConfig(env);
  const { db, close } = openDatabase(config);
  try {
    for (const msg of batch.messages) {
      const id = deliveryIdOf(msg);
      const outcome = id ? await settleDeadLetter(db, config, id) : 'settled';
      logger.error('delivery.dead_lettered', { delivery_id: id, outcome });
      msg.ack();
    }
  } catch (err) {
    logger.error('deliveries.dlq_failed', { error: describeError(err) });
    batch.retryAll({ delaySeconds: 30 });
  } finally {
    ctx.waitUntil(close());
  }
}
