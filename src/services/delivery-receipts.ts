import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client';
import { deliveries, type ReceiptStatus, sendgridEvents } from '../db/schema';
import { classifyTwilioError } from '../domain/sms';
import { stopNumber } from '../fanout/sms-delivery';
import { parseTwilioStatusCallback, type TwilioStatusCallback, verifyTwilioSignature } from '../integrations/sms/twilio-signature';
import { parseSendgridEvents, type SendgridEvent, verifySendgridEvents } from '../integrations/webhooks/verify/sendgrid-events';
import type { InboundWebhook } from '../integrations/webhooks/verify/types';
import { logger } from '../logger';
import type { ServiceContext } from './context';
import { ServiceError } from './errors';

/**
 * Delivery receipts: what a provider reports about a delivery after it accepted it, written on the
 * delivery's row (found by the provider's reference: Twilio's Message SID, SendGrid's X-Message-Id).
 *
 * A receipt never moves backwards: it replaces the one recorded only when it is stronger, so callbacks
 * arriving out of order (a late "sent" after "delivered") and a provider's retries change nothing. Of
 * two receipts equally strong, the first stands ("bounced" is not overwritten by "delivered").
 */
type ReceiptDestination = 'sms' | 'email';
const STRENGTH: Readonly<Record<ReceiptDestination, Partial<Record<ReceiptStatus, number>>>> = {
  // The carrier took it, then its fate; a handset's delivery report is the last word.
  sms: { sent: 1, undelivered: 2, failed: 2, delivered: 3 },
  // A deferral is temporary; delivered, bounced and dropped are final; an open implies delivery.
  email: { deferred: 1, delivered: 2, bounced: 2, dropped: 2, opened: 3 },
};
const strength = (destination: ReceiptDestination, status: ReceiptStatus): number => STRENGTH[destination][status] ?? 0;
const weakerThan = (destination: ReceiptDestination, status: ReceiptStatus): ReceiptStatus[] =>
  (Object.keys(STRENGTH[destination]) as ReceiptStatus[]).filter((s) => strength(destination, s) < strength(destination, status));

interface Receipt {
  reference: string;
  status: ReceiptStatus;
  at: Date;
  detail: string | null;
}

/** Writes each receipt on its delivery where it is stronger than what is recorded (one statement); the ids of the rows changed. */
async function applyReceipts(db: Queryable, destination: ReceiptDestination, receipts: Receipt[]): Promise<string[]> {
  if (receipts.length === 0) return [];
  const col = <T>(f: (r: Receipt) => T) => sql.param(receipts.map(f));
  const { rows } = await db.execute<{ id: string }>(sql`
    UPDATE deliveries AS d SET
      receipt_status = v.status,
      receipt_at = v.at,
      receipt_detail = v.detail,
      updated_at = now()
    FROM (
      SELECT * FROM unnest(
        ${col((r) => r.reference)}::text[],
        ${col((r) => r.status)}::text[],
        ${col((r) => r.at.toISOString())}::timestamptz[],
        ${col((r) => r.detail)}::text[],
        ${col((r) => weakerThan(destination, r.status).join(','))}::text[]
      ) AS t(reference, status, at, detail, weaker)
    ) AS v
    WHERE d.destination = ${destination}
      AND d.provider_reference = v.reference
      AND (d.receipt_status IS NULL OR d.receipt_status = ANY (string_to_array(v.weaker, ',')))
    RETURNING d.id`);
  return rows.map((r) => r.id);
}

const unauthenticated = () => new ServiceError('unauthorized', { detail: 'The webhook could not be authenticated.' });

// ───────────────────────────── Twilio ─────────────────────────────

/** The Twilio statuses that are receipts; the others (queued, sending, accepted…) say nothing new. */
const SMS_RECEIPT: ReadonlyMap<string, ReceiptStatus> = new Map([
  ['sent', 'sent'],
  ['delivered', 'delivered'],
  ['undelivered', 'undelivered'],
  ['failed', 'failed'],
]);

export interface TwilioStatusOutcome {
  /** A delivery of this workspace has this Message SID. */
  matched: boolean;
  /** Its receipt changed (false for a repeat, an out-of-order callback or a status that is no receipt). */
  updated: boolean;
}

/**
 * Twilio's status callback for one message, verified with X-Twilio-Signature on the URL Twilio was
 * given (`request.url`, the public one). A SID no delivery has is acknowledged and changes nothing (a
 * refusal would only make Twilio try again); ErrorCode 21610 also puts the number on the stop list.
 */
export async function receiveTwilioStatus({ ctx, input }: { ctx: ServiceContext; input: { request: InboundWebhook } }): Promise<TwilioStatusOutcome> {
  const { request } = input;
  const verdict = await verifyTwilioSignature(request, { authToken: ctx.config.sms.authToken });
  if (!verdict.ok) {
    logger.warn('webhook.rejected', { request_id: ctx.requestId, provider: 'twilio', reason: verdict.reason });
    throw unauthenticated();
  }
  const parsed = parseTwilioStatusCallback(request.rawBody);
  if (!parsed.ok) {
    throw new ServiceError('validation_failed', {
      detail: parsed.issues.join('; ').slice(0, 500),
      fieldErrors: parsed.issues.slice(0, 20).map((issue) => ({ field: issue.split(':')[0]!, code: 'invalid', message: issue })),
    });
  }
  const callback = parsed.callback;
  const outcome = await ctx.inWorkspace(async (db) => {
    const [delivery] = await db
      .select({ id: deliveries.id })
      .from(deliveries)
      .where(and(eq(deliveries.destination, 'sms'), eq(deliveries.providerReference, callback.MessageSid)))
      .limit(1);
    if (!delivery) return { matched: false, updated: false };
    if (callback.ErrorCode !== undefined && classifyTwilioError({ code: callback.ErrorCode }) === 'opted_out')
      await stopNumber(db, callback.To, `twilio ${callback.ErrorCode} in a status callback`, delivery.id);
    const status = SMS_RECEIPT.get(callback.MessageStatus);
    if (!status) return { matched: true, updated: false };
    const updated = await applyReceipts(db, 'sms', [{ reference: callback.MessageSid, status, at: new Date(), detail: twilioDetail(callback) }]);
    return { matched: true, updated: updated.length > 0 };
  });
  logger.info('sms.status_callback', {
    request_id: ctx.requestId,
    status: callback.MessageStatus,
    error_code: callback.ErrorCode ?? null,
    matched: outcome.matched,
    updated: outcome.updated,
  });
  return outcome;
}

const twilioDetail = (c: TwilioStatusCallback): string | null => (c.ErrorCode === undefined ? null : `Twilio error ${c.ErrorCode}`);

// ───────────────────────────── SendGrid ─────────────────────────────

/** The SendGrid events that are receipts; processed, click, spam reports and unsubscribes are not. */
const EMAIL_RECEIPT: ReadonlyMap<string, ReceiptStatus> = new Map([
  ['deferred', 'deferred'],
  ['delivered', 'delivered'],
  ['bounce', 'bounced'],
  ['dropped', 'dropped'],
  ['open', 'opened'],
]);

export interface SendgridEventsOutcome {
  /** Events in the batch Leadgate could read. */
  received: number;
  /** Of those, events applied before (by `sg_event_id`): nothing was done for them again. */
  duplicates: number;
  /** Events Leadgate could not read (an unknown type, a field missing): acknowledged, not applied. */
  skipped: number;
  /** Email deliveries whose receipt changed. */
  updated: number;
}

/**
 * SendGrid's signed Event Webhook: the batch is verified (ECDSA over the timestamp and the raw body),
 * then in one transaction each event id is recorded once, and only events not seen before count. Per
 * message the strongest new receipt is written on the delivery whose provider reference is the
 * `sg_message_id`'s X-Message-Id part.
 */
export async function receiveSendgridEvents({ ctx, input }: { ctx: ServiceContext; input: { request: InboundWebhook } }): Promise<SendgridEventsOutcome> {
  const { request } = input;
  const verdict = await verifySendgridEvents(
    request,
    { publicKey: ctx.config.email.sendgrid.eventPublicKey, toleranceSeconds: ctx.config.inboundWebhooks.toleranceSeconds },
    new Date(),
  );
  if (!verdict.ok) {
    logger.warn('webhook.rejected', { request_id: ctx.requestId, provider: 'sendgrid', reason: verdict.reason });
    throw unauthenticated();
  }
  const parsed = parseSendgridEvents(request.rawBody);
  if (!parsed.ok) throw new ServiceError('validation_failed', { detail: 'The body is not a JSON array of SendGrid events.' });
  const { events, skipped } = parsed;
  if (events.length === 0) return { received: 0, duplicates: 0, skipped, updated: 0 };

  const { fresh, updated } = await ctx.inWorkspace(async (db) => {
    const inserted = await db
      .insert(sendgridEvents)
      .values(events.map((e) => ({ sgEventId: e.sg_event_id, event: e.event, messageId: e.messageId ?? null })))
      .onConflictDoNothing()
      .returning({ id: sendgridEvents.sgEventId });
    const unseen = new Set(inserted.map((r) => r.id));
    const strongest = new Map<string, Receipt>();
    // In the order they happened, so that of two equally strong receipts the earlier one stands.
    for (const e of [...events].sort((a, b) => a.timestamp - b.timestamp)) {
      // Once per id, even when a batch names an id twice.
      if (!unseen.delete(e.sg_event_id)) continue;
      const status = EMAIL_RECEIPT.get(e.event);
      if (!status || !e.messageId) continue;
      const current = strongest.get(e.messageId);
      if (!current || strength('email', status) > strength('email', current.status))
        strongest.set(e.messageId, { reference: e.messageId, status, at: new Date(e.timestamp * 1000), detail: sendgridDetail(e) });
    }
    return { fresh: inserted.length, updated: await applyReceipts(db, 'email', [...strongest.values()]) };
  });
  const outcome = { received: events.length, duplicates: events.length - fresh, skipped, updated: updated.length };
  logger.info('email.events_received', { request_id: ctx.requestId, ...outcome });
  return outcome;
}

/** Why, for the receipts that are failures or delays: SendGrid's reason (a bounce also names its kind). */
function sendgridDetail(e: SendgridEvent): string | null {
  if (e.event === 'bounce') return `${e.type ?? 'bounce'}: ${e.reason ?? 'no reason given'}`.slice(0, 500);
  if (e.event === 'dropped' || e.event === 'deferred') return (e.reason ?? null)?.slice(0, 500) ?? null;
  return null;
}
