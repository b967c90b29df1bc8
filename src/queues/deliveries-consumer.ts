import { loadConfig } from '../config';
import { openDatabase } from '../db/client';
import { and, eq, inArray } from 'drizzle-orm';
import { deliveries } from '../db/schema';
import { deliver, deliverHubSpotBatch, settleDeadLetter, type DeliverOutcome } from '../fanout/deliver';
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
  const settle = (msg: Message<unknown>, outcome: DeliverOutcome) => (outcome.action === 'retry' ? msg.retry({ delaySeconds: outcome.delaySeconds }) : msg.ack());
  const failed = (msg: Message<unknown>, id: string, err: unknown) => {
    // Database trouble: the row is untouched or still locked; the queue brings the message back.
    logger.error('deliveries.process_failed', { delivery_id: id, error: describeError(err) });
    msg.retry({ delaySeconds: Math.min(300, 15 * 2 ** Math.min(msg.attempts, 5)) });
  };
  try {
    const work: Array<{ msg: Message<unknown>; id: string }> = [];
    for (const msg of batch.messages) {
      const id = deliveryIdOf(msg);
      if (id) work.push({ msg, id });
      else {
        logger.error('deliveries.unreadable_message', { message_id: msg.id });
        msg.ack();
      }
    }
    // HubSpot upserts in this batch go out as one batch call; everything else one by one, concurrently.
    const hubspot = new Set(
      work.length > 1
        ? (await db.select({ id: deliveries.id }).from(deliveries).where(and(inArray(deliveries.id, work.map((w) => w.id)), eq(deliveries.destination, 'crm'), eq(deliveries.key, 'hubspot')))).map((r) => r.id)
        : [],
    );
    const grouped = work.filter((w) => hubspot.has(w.id));
    const single = work.filter((w) => !hubspot.has(w.id));
    await Promise.all([
      ...single.map(async ({ msg, id }) => {
        try {
          settle(msg, await deliver(env, config, db, id));
        } catch (err) {
          failed(msg, id, err);
        }
      }),
      (async () => {
        if (grouped.length === 0) return;
        try {
          const outcomes = await deliverHubSpotBatch(env, config, db, [...new Set(grouped.map((w) => w.id))]);
          for (const { msg, id } of grouped) settle(msg, outcomes.get(id) ?? { action: 'ack', reason: 'busy' });
        } catch (err) {
          for (const { msg, id } of grouped) failed(msg, id, err);
        }
      })(),
    ]);
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
