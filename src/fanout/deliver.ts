import { and, eq, gte, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Config } from '../config';
import type { Database } from '../db/client';
import { deliveries, deliveryAttempts, type Delivery } from '../db/schema';
import { newId } from '../domain/ids';
import { describeError, logger } from '../logger';
import type { SendResult } from '../integrations/provider-call';
import { sendDelivery, sendHubSpotBatch } from './destinations';
import { MAX_QUEUE_DELAY_SECONDS, nextDelaySeconds } from './retry-policy';

export type DeliverOutcome =
  | { action: 'ack'; reason: 'delivered' | 'failed' | 'not_found' | 'not_pending' | 'busy' | 'dead_lettered' }
  | { action: 'retry'; delaySeconds: number };

/**
 * Takes the delivery for this consumer: only a pending, due, unlocked row can be taken, and taking it
 * is one UPDATE, so two copies of a queue message never both call the provider.
 */
async function claim(db: Database, id: string, lockSeconds: number): Promise<Delivery | undefined> {
  const [row] = await db
    .update(deliveries)
    .set({ lockedUntil: sql`now() + make_interval(secs => ${lockSeconds})`, attempts: sql`${deliveries.attempts} + 1`, updatedAt: sql`now()` })
    .where(and(eq(deliveries.id, id), eq(deliveries.status, 'pending'), lte(deliveries.nextAttemptAt, sql`now()`), or(isNull(deliveries.lockedUntil), lt(deliveries.lockedUntil, sql`now()`))))
    .returning();
  return row;
}

const lockSeconds = (config: Config) => Math.ceil(config.DELIVERY_TIMEOUT_MS / 1000) * 4 + 30;

/** Why a delivery could not be claimed, as the queue message's fate. */
async function unclaimed(db: Database, deliveryId: string): Promise<DeliverOutcome> {
  const [current] = await db.select({ status: deliveries.status, nextAttemptAt: deliveries.nextAttemptAt }).from(deliveries).where(eq(deliveries.id, deliveryId));
  if (!current) return { action: 'ack', reason: 'not_found' };
  if (current.status !== 'pending') return { action: 'ack', reason: 'not_pending' };
  const wait = Math.ceil((current.nextAttemptAt.getTime() - Date.now()) / 1000);
  // Early copy of a scheduled retry: come back when it is due. A locked row is someone else's.
  if (wait > 0) return { action: 'retry', delaySeconds: Math.min(wait, MAX_QUEUE_DELAY_SECONDS) };
  return { action: 'ack', reason: 'busy' };
}

/** Processes one "deliveries" queue message. */
export async function deliver(env: Env, config: Config, db: Database, deliveryId: string): Promise<DeliverOutcome> {
  const row = await claim(db, deliveryId, lockSeconds(config));
  if (!row) return unclaimed(db, deliveryId);
  const started = Date.now();
  return settle(env, config, db, row, await attempt(env, config, row), started);
}

/**
 * Processes several HubSpot upserts in one batch call (HubSpot's batch API takes up to 100). If the
 * batch is refused, each contact is sent on its own, so one bad record cannot hold back the others.
 */
export async function deliverHubSpotBatch(env: Env, config: Config, db: Database, deliveryIds: string[]): Promise<Map<string, DeliverOutcome>> {
  const outcomes = new Map<string, DeliverOutcome>();
  const rows: Delivery[] = [];
  for (const id of deliveryIds) {
    const row = await claim(db, id, lockSeconds(config));
    if (row) rows.push(row);
    else outcomes.set(id, await unclaimed(db, id));
  }
  const started = Date.now();
  const batch = rows.length > 1 ? await sendHubSpotBatch(env, config, rows) : undefined;
  for (const row of rows) {
    const result = batch?.ok ? { ...batch, reference: undefined } : await attempt(env, config, row);
    outcomes.set(row.id, await settle(env, config, db, row, result, started));
  }
  return outcomes;
}

async function attempt(env: Env, config: Config, row: Delivery): Promise<SendResult> {
  try {
    return await sendDelivery(env, config, row);
  } catch (err) {
    return { ok: false, retryable: true, error: `adapter error: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500) };
  }
}

/** Records what the provider said and decides the message's fate. */
async function settle(env: Env, config: Config, db: Database, row: Delivery, result: SendResult, started: number): Promise<DeliverOutcome> {
  const durationMs = Date.now() - started;
  const log = { delivery_id: row.id, destination: row.destination, key: row.key, attempt: row.attempts, duration_ms: durationMs };
  const statusCode = result.ok ? result.statusCode : (result.statusCode ?? null);

  // The row's new state is written first and on its own: once a provider has accepted, nothing that
  // follows (the attempt log) may fail in a way that makes us send again.
  let outcome: DeliverOutcome;
  if (result.ok) {
    await db.update(deliveries).set({ status: 'delivered', deliveredAt: new Date(), lockedUntil: null, lastStatusCode: result.statusCode, providerReference: result.reference ?? null, lastError: null, updatedAt: new Date() }).where(eq(deliveries.id, row.id));
    logger.info('delivery.delivered', log);
    outcome = { action: 'ack', reason: 'delivered' };
  } else if (!result.retryable) {
    await db.update(deliveries).set({ status: 'failed', lockedUntil: null, lastStatusCode: statusCode, lastError: result.error, updatedAt: new Date() }).where(eq(deliveries.id, row.id));
    logger.warn('delivery.rejected', { ...log, status_code: result.statusCode });
    outcome = { action: 'ack', reason: 'failed' };
  } else if (row.attempts >= config.DELIVERY_MAX_ATTEMPTS) {
    // Out of attempts: failed now, and announced on the dead-letter queue (whose consumer also catches
    // messages the queue itself gave up on). Replay through the admin API brings it back.
    await db.update(deliveries).set({ status: 'failed', lockedUntil: null, lastStatusCode: statusCode, lastError: result.error, updatedAt: new Date() }).where(eq(deliveries.id, row.id));
    await env.DELIVERIES_DLQ.send({ delivery_id: row.id }, { contentType: 'json' }).catch((err) => logger.error('delivery.dlq_send_failed', { delivery_id: row.id, error: describeError(err) }));
    logger.warn('delivery.exhausted', { ...log, status_code: result.statusCode });
    outcome = { action: 'ack', reason: 'dead_lettered' };
  } else {
    const delaySeconds = nextDelaySeconds(row.attempts, { baseSeconds: config.DELIVERY_BACKOFF_BASE_SECONDS, maxSeconds: config.DELIVERY_BACKOFF_MAX_SECONDS, retryAfterSeconds: result.retryAfterSeconds });
    await db.update(deliveries).set({ lockedUntil: null, lastStatusCode: statusCode, lastError: result.error, nextAttemptAt: sql`now() + make_interval(secs => ${delaySeconds})`, updatedAt: new Date() }).where(eq(deliveries.id, row.id));
    logger.warn('delivery.retry_scheduled', { ...log, status_code: result.statusCode, delay_seconds: delaySeconds });
    outcome = { action: 'retry', delaySeconds };
  }

  await db
    .insert(deliveryAttempts)
    .values({ id: newId(), deliveryId: row.id, attempt: row.attempts, outcome: result.ok ? 'delivered' : result.retryable ? 'retryable_error' : 'rejected', statusCode, error: result.ok ? null : result.error, durationMs })
    .catch((err) => logger.error('delivery.attempt_not_logged', { delivery_id: row.id, error: describeError(err) }));
  return outcome;
}

/**
 * The dead-letter consumer's verb. A delivery out of attempts is failed, keeping its last error. One the
 * queue gave up on while it still had attempts (the database was down, the consumer kept crashing) goes
 * back to the cron sweep instead of being failed by an outage of ours.
 */
export async function settleDeadLetter(db: Database, config: Config, deliveryId: string): Promise<'failed' | 'requeued' | 'settled'> {
  const [failed] = await db
    .update(deliveries)
    .set({ status: 'failed', lockedUntil: null, updatedAt: new Date(), lastError: sql`coalesce(${deliveries.lastError}, 'dead-lettered')` })
    .where(and(eq(deliveries.id, deliveryId), eq(deliveries.status, 'pending'), gte(deliveries.attempts, config.DELIVERY_MAX_ATTEMPTS)))
    .returning({ id: deliveries.id });
  if (failed) return 'failed';
  const [requeued] = await db
    .update(deliveries)
    .set({ enqueuedAt: null, lockedUntil: null, updatedAt: new Date() })
    .where(and(eq(deliveries.id, deliveryId), eq(deliveries.status, 'pending')))
    .returning({ id: deliveries.id });
  return requeued ? 'requeued' : 'settled';
}
