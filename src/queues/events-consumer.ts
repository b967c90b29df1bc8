import { loadConfig } from '../config';
import { openDatabase, type Transaction } from '../db/client';
import { describeError, logger } from '../logger';
import { applyLeadSubmitted } from '../services/apply-lead-submitted';
import { DEMO_APPLIERS } from '../services/apply-demo-events';
import { applyWebhookReceived } from '../services/apply-webhook';
import { applyRoiCalculated } from '../services/apply-roi-calculated';
import { applyContentDownloaded } from '../services/apply-content-downloaded';
import { AlreadyApplied } from '../services/record-lead-event';
import { enqueueDeliveries, recordDeliveries } from '../fanout/record-deliveries';
import { eventsSettled } from '../services/event-queue';
import type { DeliveryRequest } from '../fanout/types';
import type { ApplyContext } from './apply-context';
import { EventEnvelopeSchema, type EventMessage, type EventType } from './event-messages';
import { lookup } from '../domain/lookup';

/**
 * How each event type is written to Postgres. Each runs inside the batch transaction, in its own
 * savepoint, and returns what must be delivered because of it (emails, CRM upserts, webhooks…).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Applier = (tx: Transaction, event: any, ctx: ApplyContext) => Promise<DeliveryRequest[] | void>;
const APPLIERS: Record<EventType, Applier> = {
  'lead.submitted': applyLeadSubmitted,
  ...DEMO_APPLIERS,
  'webhook.received': applyWebhookReceived,
  'roi.calculated': applyRoiCalculated,
  'content.downloaded': applyContentDownloaded,
};

/** Exponential backoff for a message whose write failed: 5 s, 10 s, 20 s … capped at 5 minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(300, 5 * 2 ** Math.max(0, attempts - 1));
}

/**
 * The "events" queue consumer: one transaction per batch, one savepoint per message. A message that
 * fails rolls back only its savepoint and is retried alone; the rest commit. Messages are acknowledged
 * only after the commit, so a crash before it means redelivery — harmless, because every write is
 * idempotent on the event id.
 */
export async function consumeEvents(batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext): Promise<void> {
  const config = loadConfig(env);
  const work: { msg: Message<unknown>; event: EventMessage; apply: Applier }[] = [];
  const unreadable: string[] = [];
  for (const msg of batch.messages) {
    const parsed = EventEnvelopeSchema.safeParse(msg.body);
    const apply = parsed.success ? lookup(APPLIERS, parsed.data.type) : undefined;
    if (!parsed.success || !apply) {
      // Nothing can ever apply it: retrying would only delay the rest. Logged for an operator.
      logger.error('events.unreadable_message', { message_id: msg.id, type: parsed.success ? parsed.data.type : undefined });
      msg.ack();
      if (parsed.success) unreadable.push(parsed.data.id);
      continue;
    }
    work.push({ msg, event: parsed.data as unknown as EventMessage, apply });
  }
  await eventsSettled({ env, config }, unreadable);
  if (work.length === 0) return;

  const { db, close } = openDatabase(config);
  const applyCtx: ApplyContext = { env, config };
  try {
    const { failed, deliveryIds } = await db.transaction(async (tx) => {
      const failures = new Set<Message<unknown>>();
      const ids: string[] = [];
      for (const { msg, event, apply } of work) {
        try {
          const created = await tx.transaction(async (savepoint) => {
            const requests = (await apply(savepoint, event, applyCtx)) ?? [];
            return recordDeliveries(savepoint, event.id, requests);
          });
          ids.push(...created);
        } catch (err) {
          if (err instanceof AlreadyApplied) continue; // redelivery: already in Postgres, just ack
          failures.add(msg);
          logger.error('events.apply_failed', { event_id: event.id, type: event.type, attempts: msg.attempts, error: describeError(err) });
        }
      }
      return { failed: failures, deliveryIds: ids };
    });
    for (const { msg } of work) {
      if (failed.has(msg)) msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
      else msg.ack();
    }
    await eventsSettled({ env, config }, work.filter((w) => !failed.has(w.msg)).map((w) => w.event.id));
    logger.info('events.batch_written', { size: work.length, failed: failed.size, deliveries: deliveryIds.length });
    // After the commit: a lost send here is recovered by the cron sweep, never by losing the delivery.
    await enqueueDeliveries(db, env.DELIVERIES_QUEUE, deliveryIds);
  } catch (err) {
    // The transaction itself failed (database unreachable, commit refused): nothing was written.
    logger.error('events.batch_failed', { size: work.length, error: describeError(err) });
    for (const { msg } of work) msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
  } finally {
    ctx.waitUntil(close());
  }
}

