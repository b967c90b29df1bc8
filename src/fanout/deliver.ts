import { and, eq, gte, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Config } from '../config';
import type { Queryable } from '../db/client';
import { type Delivery, deliveries, deliveryAttempts } from '../db/schema';
import { backoffSeconds, MAX_QUEUE_DELAY_SECONDS } from '../domain/backoff';
import { newId } from '../domain/ids';
import { CaptureSink } from '../integrations/capture/capture-log';
import type { SendResult } from '../integrations/provider-call';
import { describeError, logger } from '../logger';
import type { DeliveryMessage } from '../messages/deliveries';
import type { ServiceContext } from '../services/context';
import { ServiceError } from '../services/errors';
import { analyzeLead } from '../services/pipeline/analyze';
import { crmSyncOf, sendDelivery, sendHubSpotBatch } from './destinations';

export type DeliverOutcome =
  | { action: 'ack'; reason: 'delivered' | 'failed' | 'not_found' | 'not_pending' | 'busy' | 'dead_lettered' }
  | { action: 'retry'; delaySeconds: number };

/** Calls in flight at once per provider: enough to drain a burst, few enough not to trip its rate limit. */
const CONCURRENCY_PER_DESTINATION = 8;

const lockSeconds = (config: Config) => Math.ceil(config.delivery.timeoutMs / 1000) * 4 + 30;

/**
 * Works a batch of deliveries: one UPDATE … RETURNING claims every row that is pending, due and not
 * locked (so two copies of a message never both call a provider); the providers are called
 * concurrently, a bounded number per destination, HubSpot contact upserts as one batch call; then one
 * statement settles every row and one records every attempt. A row's new state is written before its
 * attempt is logged: once a provider has accepted, nothing that follows can make us send again.
 */
export async function deliverBatch({ ctx, input: ids }: { ctx: ServiceContext; input: string[] }): Promise<Map<string, DeliverOutcome>> {
  const { env, config } = ctx;
  const outcomes = new Map<string, DeliverOutcome>();
  if (ids.length === 0) return outcomes;
  // The claim commits before any provider is called: the lock is what keeps a second copy away.
  const claimed = await ctx.inWorkspace(async (db) => {
    const rows = await db
      .update(deliveries)
      .set({ lockedUntil: sql`now() + make_interval(secs => ${lockSeconds(config)})`, attempts: sql`${deliveries.attempts} + 1`, updatedAt: sql`now()` })
      .where(
        and(
          inArray(deliveries.id, ids),
          eq(deliveries.status, 'pending'),
          lte(deliveries.nextAttemptAt, sql`now()`),
          or(isNull(deliveries.lockedUntil), lt(deliveries.lockedUntil, sql`now()`)),
        ),
      )
      .returning();
    const claimedIds = new Set(rows.map((r) => r.id));
    for (const [id, outcome] of await unclaimed(
      db,
      ids.filter((id) => !claimedIds.has(id)),
    ))
      outcomes.set(id, outcome);
    return rows;
  });
  if (claimed.length === 0) return outcomes;

  const started = Date.now();
  const capture = new CaptureSink(env);
  const results = await send(capture, config, claimed, (row) => runAnalysis(ctx, row));
  // Capture mode (local dev) only: the record of what would have been sent; losing it must not resend anything.
  await capture.flush().catch((err: unknown) => logger.warn('delivery.capture_not_recorded', { error: describeError(err) }));
  const settled = settlements(config, claimed, results, Date.now() - started);
  await ctx.inWorkspace((db) => writeSettlements(db, settled));
  const exhausted = settled
    .filter((s) => s.outcome.action === 'ack' && s.outcome.reason === 'dead_lettered')
    .map((s) => ({ body: { delivery_id: s.row.id, workspace_id: ctx.workspace.id } satisfies DeliveryMessage, contentType: 'json' as const }));
  if (exhausted.length > 0)
    await env.DELIVERIES_DLQ.sendBatch(exhausted).catch((err: unknown) =>
      logger.error('delivery.dlq_send_failed', { count: exhausted.length, error: describeError(err) }),
    );
  await ctx
    .inWorkspace((db) =>
      db.insert(deliveryAttempts).values(
        settled.map((s) => ({
          id: newId(),
          deliveryId: s.row.id,
          attempt: s.row.attempts,
          outcome: s.result.ok ? 'delivered' : s.result.retryable ? 'retryable_error' : 'rejected',
          statusCode: s.statusCode,
          error: s.result.ok ? null : s.result.error,
          durationMs: s.durationMs,
        })),
      ),
    )
    .catch((err: unknown) => logger.error('delivery.attempts_not_logged', { count: settled.length, error: describeError(err) }));
  // One line per batch; a line of its own for each delivery that did not go through.
  let delivered = 0;
  for (const s of settled) {
    outcomes.set(s.row.id, s.outcome);
    if (s.result.ok) {
      delivered++;
      continue;
    }
    const event = s.outcome.action === 'retry' ? 'delivery.retry_scheduled' : s.outcome.reason === 'dead_lettered' ? 'delivery.exhausted' : 'delivery.rejected';
    logger.warn(event, {
      delivery_id: s.row.id,
      destination: s.row.destination,
      key: s.row.key,
      attempt: s.row.attempts,
      duration_ms: s.durationMs,
      status_code: s.statusCode,
    });
  }
  logger.info('deliveries.batch_worked', {
    workspace: ctx.workspace.slug,
    claimed: settled.length,
    delivered,
    not_delivered: settled.length - delivered,
    duration_ms: Date.now() - started,
  });
  return outcomes;
}

/** Why rows could not be claimed, as their messages' fate: one read for all of them. */
async function unclaimed(db: Queryable, ids: string[]): Promise<Map<string, DeliverOutcome>> {
  const outcomes = new Map<string, DeliverOutcome>();
  if (ids.length === 0) return outcomes;
  const rows = await db
    .select({ id: deliveries.id, status: deliveries.status, nextAttemptAt: deliveries.nextAttemptAt })
    .from(deliveries)
    .where(inArray(deliveries.id, ids));
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const id of ids) {
    const current = byId.get(id);
    if (!current) outcomes.set(id, { action: 'ack', reason: 'not_found' });
    else if (current.status !== 'pending') outcomes.set(id, { action: 'ack', reason: 'not_pending' });
    else {
      const wait = Math.ceil((current.nextAttemptAt.getTime() - Date.now()) / 1000);
      // Early copy of a scheduled retry: come back when it is due. A locked row is someone else's.
      outcomes.set(id, wait > 0 ? { action: 'retry', delaySeconds: Math.min(wait, MAX_QUEUE_DELAY_SECONDS) } : { action: 'ack', reason: 'busy' });
    }
  }
  return outcomes;
}

/** Calls the providers: HubSpot contact upserts together (up to 100 per call), the rest one by one, bounded per destination. */
/**
 * The background analysis, done through the outbox like a delivery (retries, the ledger, replay). A
 * scorer's failure is never one: the rules answer then; only Postgres trouble is retried.
 */
async function runAnalysis(ctx: ServiceContext, row: Delivery): Promise<SendResult> {
  const leadId = (row.payload as { lead_id?: string }).lead_id ?? row.leadId;
  if (!leadId) return { ok: false, retryable: false, error: 'no lead to analyse' };
  try {
    const { analysis } = await analyzeLead({ ctx, input: { leadId, trigger: 'background' } });
    return { ok: true, statusCode: 200, reference: analysis.id };
  } catch (err) {
    const missing = err instanceof ServiceError && err.code === 'not_found';
    return { ok: false, retryable: !missing, error: missing ? 'the lead no longer exists' : `analysis failed: ${describeError(err)}`.slice(0, 500) };
  }
}

async function send(capture: CaptureSink, config: Config, rows: Delivery[], local: (row: Delivery) => Promise<SendResult>): Promise<Map<string, SendResult>> {
  const results = new Map<string, SendResult>();
  const hubspotContacts = rows.filter((r) => r.destination === 'crm' && r.key === 'hubspot' && crmSyncOf(r).kind === 'contact');
  const batched = new Set(hubspotContacts.length > 1 ? hubspotContacts.map((r) => r.id) : []);
  const single = rows.filter((r) => !batched.has(r.id));
  const groups = new Map<string, Delivery[]>();
  for (const r of single) groups.set(`${r.destination}:${r.key}`, [...(groups.get(`${r.destination}:${r.key}`) ?? []), r]);

  const one = async (row: Delivery) => results.set(row.id, row.destination === 'analysis' ? await local(row) : await attempt(capture, config, row));
  await Promise.all([
    // Different leads concurrently; one lead's deliveries to one destination in the order they were made
    // (UUIDv7 ids), so a CRM sees kyc before paid and a deal is created before it is updated.
    ...[...groups.values()].map((group) =>
      eachWithLimit(byLeadInOrder(group), CONCURRENCY_PER_DESTINATION, async (rows) => {
        for (const row of rows) await one(row);
      }),
    ),
    (async () => {
      if (batched.size === 0) return;
      // HubSpot refuses a batch naming one contact twice: the newest sync of each person stands for the
      // older ones (it carries everything they did), and its answer is theirs.
      const byEmail = new Map<string, Delivery[]>();
      for (const row of [...hubspotContacts].sort((a, b) => (a.id < b.id ? -1 : 1))) {
        const email = crmSyncOf(row).contact.email.toLowerCase();
        byEmail.set(email, [...(byEmail.get(email) ?? []), row]);
      }
      const newest = [...byEmail.values()].map((rows) => rows[rows.length - 1]!);
      const settle = (row: Delivery, result: SendResult) => {
        for (const r of byEmail.get(crmSyncOf(row).contact.email.toLowerCase()) ?? [row]) results.set(r.id, result);
      };
      for (let i = 0; i < newest.length; i += 100) {
        const chunk = newest.slice(i, i + 100);
        const batch = await sendHubSpotBatch(capture, config, chunk).catch(
          (err: unknown): SendResult => ({ ok: false, retryable: true, error: `adapter error: ${describeError(err)}` }),
        );
        // A refused batch: each contact on its own, so one bad record cannot hold back the others.
        if (batch.ok) for (const row of chunk) settle(row, { ...batch, reference: undefined });
        else await eachWithLimit(chunk, CONCURRENCY_PER_DESTINATION, async (row) => settle(row, await attempt(capture, config, row)));
      }
    })(),
  ]);
  return results;
}

/** Rows grouped by lead (rows without one stand alone), each group in creation order. */
function byLeadInOrder(rows: Delivery[]): Delivery[][] {
  const groups = new Map<string, Delivery[]>();
  for (const r of [...rows].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const key = r.leadId ?? r.id;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()];
}

async function attempt(capture: CaptureSink, config: Config, row: Delivery): Promise<SendResult> {
  try {
    return await sendDelivery(capture.env, config, row, capture);
  } catch (err) {
    return { ok: false, retryable: true, error: `adapter error: ${describeError(err)}`.slice(0, 500) };
  }
}

async function eachWithLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

interface Settlement {
  row: Delivery;
  result: SendResult;
  statusCode: number | null;
  durationMs: number;
  status: 'pending' | 'delivered' | 'failed';
  delaySeconds: number | null;
  outcome: DeliverOutcome;
}

/** What each provider's answer means for its row (pure). */
function settlements(config: Config, rows: Delivery[], results: Map<string, SendResult>, durationMs: number): Settlement[] {
  return rows.map((row) => {
    const result = results.get(row.id) ?? { ok: false, retryable: true, error: 'not attempted' };
    const statusCode = result.ok ? result.statusCode : (result.statusCode ?? null);
    const base = { row, result, statusCode, durationMs };
    if (result.ok) return { ...base, status: 'delivered', delaySeconds: null, outcome: { action: 'ack', reason: 'delivered' } };
    if (!result.retryable) return { ...base, status: 'failed', delaySeconds: null, outcome: { action: 'ack', reason: 'failed' } };
    // Out of attempts: failed now, and announced on the dead-letter queue (whose consumer also catches
    // messages the queue itself gave up on). Replay through the admin API brings it back.
    if (row.attempts >= config.delivery.maxAttempts)
      return { ...base, status: 'failed', delaySeconds: null, outcome: { action: 'ack', reason: 'dead_lettered' } };
    const delaySeconds = backoffSeconds(row.attempts, { ...config.delivery.backoff, jitter: true, retryAfterSeconds: result.retryAfterSeconds });
    return { ...base, status: 'pending', delaySeconds, outcome: { action: 'retry', delaySeconds } };
  });
}

/** Every row of the batch settled by one UPDATE … FROM (unnest …). */
async function writeSettlements(db: Queryable, settled: Settlement[]): Promise<void> {
  const col = <T>(f: (s: Settlement) => T) => sql.param(settled.map(f));
  await db.execute(sql`
    UPDATE deliveries AS d SET
      status = v.status,
      locked_until = NULL,
      last_status_code = v.status_code,
      last_error = v.error,
      provider_reference = CASE WHEN v.status = 'delivered' THEN v.reference ELSE d.provider_reference END,
      delivered_at = CASE WHEN v.status = 'delivered' THEN now() ELSE d.delivered_at END,
      next_attempt_at = CASE WHEN v.delay_seconds IS NULL THEN d.next_attempt_at ELSE now() + make_interval(secs => v.delay_seconds) END,
      updated_at = now()
    FROM (
      SELECT * FROM unnest(
        ${col((s) => s.row.id)}::uuid[],
        ${col((s) => s.status)}::text[],
        ${col((s) => s.statusCode)}::int[],
        ${col((s) => (s.result.ok ? null : s.result.error))}::text[],
        ${col((s) => (s.result.ok ? (s.result.reference ?? null) : null))}::text[],
        ${col((s) => s.delaySeconds)}::int[]
      ) AS t(id, status, status_code, error, reference, delay_seconds)
    ) AS v
    WHERE d.id = v.id`);
}

/**
 * The dead-letter consumer's verb, for a whole batch. A delivery out of attempts is failed, keeping its
 * last error. One the queue gave up on while it still had attempts (the database was down, the consumer
 * kept crashing) goes back to the cron sweep instead of being failed by an outage of ours.
 */
export async function settleDeadLetters({ ctx, input: ids }: { ctx: ServiceContext; input: string[] }): Promise<{ failed: string[]; requeued: string[] }> {
  if (ids.length === 0) return { failed: [], requeued: [] };
  return ctx.inWorkspace((db) => settleIn(db, ctx.config, ids));
}

async function settleIn(db: Queryable, config: Config, ids: string[]): Promise<{ failed: string[]; requeued: string[] }> {
  const failed = await db
    .update(deliveries)
    .set({ status: 'failed', lockedUntil: null, updatedAt: new Date(), lastError: sql`coalesce(${deliveries.lastError}, 'dead-lettered')` })
    .where(and(inArray(deliveries.id, ids), eq(deliveries.status, 'pending'), gte(deliveries.attempts, config.delivery.maxAttempts)))
    .returning({ id: deliveries.id });
  const requeued = await db
    .update(deliveries)
    .set({ enqueuedAt: null, lockedUntil: null, updatedAt: new Date() })
    .where(and(inArray(deliveries.id, ids), eq(deliveries.status, 'pending')))
    .returning({ id: deliveries.id });
  return { failed: failed.map((r) => r.id), requeued: requeued.map((r) => r.id) };
}
