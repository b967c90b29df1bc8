import { and, eq, sql } from 'drizzle-orm';
import { webhookEvents } from '../db/schema';
import { newId } from '../domain/ids';
import { takeLimit } from '../durable-objects/rate-limiter';
import { parseVerifiedBody } from '../integrations/webhooks/payload';
import { type InboundWebhook, verifyDelivery, type WebhookProvider } from '../integrations/webhooks/verify';
import { describeError, logger } from '../logger';
import type { WebhookReceivedEvent } from '../messages/events';
import { publishEvents } from '../messages/publish';
import { ServiceError } from '../services/errors';
import type { ServiceContext } from './context';

/** Rejected calls recorded per provider and window: enough to see an attack or a misconfiguration, never a flood. */
const REJECTIONS_RECORDED = 100;
const REJECTIONS_WINDOW_SECONDS = 600;

export interface Receipt {
  /** The `webhook_events` row. */
  id: string;
  duplicate: boolean;
}

/**
 * The request path of an inbound CRM webhook: verify the raw bytes, record the delivery once per
 * delivery id (the one database write here, which makes "processed once" exact), and queue it. The
 * provider gets its 2xx in milliseconds; the lead is moved by the events consumer (apply-webhook.ts).
 */
export async function receiveWebhook({ ctx, input }: { ctx: ServiceContext; input: { provider: WebhookProvider; request: InboundWebhook } }): Promise<Receipt> {
  const { provider, request } = input;
  const verdict = await verifyDelivery(provider, request, ctx.config.inboundWebhooks, new Date());
  if (!verdict.ok) {
    logger.warn('webhook.rejected', { request_id: ctx.requestId, provider, reason: verdict.reason });
    await recordRejection(ctx, provider, verdict.reason);
    throw new ServiceError('unauthorized', { detail: 'The webhook could not be authenticated.' });
  }

  // Decoded and parsed only now, after the bytes were verified.
  const parsed = parseVerifiedBody(request.rawBody);
  if (!parsed.ok) {
    logger.warn('webhook.unreadable_body', { request_id: ctx.requestId, provider, reason: parsed.reason });
    throw parsed.reason === 'too_deep'
      ? new ServiceError('validation_failed', { detail: 'The body is nested too deeply.' })
      : new ServiceError('malformed_json', { detail: 'The body is not valid JSON.' });
  }
  if (parsed.replaced > 0) logger.warn('webhook.unstorable_characters_replaced', { request_id: ctx.requestId, provider, strings: parsed.replaced });
  const payload = parsed.payload;
  // Committed before it is queued: the consumer must find the row it is told about.
  const [inserted] = await ctx.inWorkspace((db) =>
    db
      .insert(webhookEvents)
      .values({ id: newId(), provider, deliveryId: verdict.deliveryId, verified: true, payload })
      .onConflictDoNothing({ target: [webhookEvents.workspaceId, webhookEvents.provider, webhookEvents.deliveryId], where: sql`verified` })
      .returning({ id: webhookEvents.id }),
  );
  if (inserted) {
    await enqueue(ctx, provider, inserted.id);
    logger.info('webhook.accepted', { request_id: ctx.requestId, provider, webhook_event_id: inserted.id });
    return { id: inserted.id, duplicate: false };
  }
  return acknowledgeDuplicate(ctx, provider, verdict.deliveryId);
}

/**
 * A delivery seen before is acknowledged and not applied again. If it is still pending, the first
 * request may have died between the insert and the queue: queue it again (applying is idempotent).
 */
async function acknowledgeDuplicate(ctx: ServiceContext, provider: WebhookProvider, deliveryId: string): Promise<Receipt> {
  const [existing] = await ctx.inWorkspace((db) =>
    db
      .select({ id: webhookEvents.id, outcome: webhookEvents.outcome })
      .from(webhookEvents)
      .where(and(eq(webhookEvents.provider, provider), eq(webhookEvents.deliveryId, deliveryId), eq(webhookEvents.verified, true)))
      .limit(1),
  );
  if (!existing) throw new Error('webhook delivery conflicted but cannot be found');
  if (existing.outcome === 'pending') await enqueue(ctx, provider, existing.id);
  logger.info('webhook.duplicate', { request_id: ctx.requestId, provider, webhook_event_id: existing.id, outcome: existing.outcome });
  return { id: existing.id, duplicate: true };
}

export async function enqueue(ctx: ServiceContext, provider: string, webhookEventId: string): Promise<string> {
  const event: WebhookReceivedEvent = {
    id: newId(),
    type: 'webhook.received',
    occurred_at: new Date().toISOString(),
    request_id: ctx.requestId,
    workspace_id: ctx.workspace.id,
    webhook_event_id: webhookEventId,
    provider,
  };
  await publishEvents({ env: ctx.env, core: ctx.config.core }, [event]);
  return event.id;
}

/** Rejections are kept without their body, and only so many per window: a stranger cannot fill the table. */
async function recordRejection(ctx: ServiceContext, provider: WebhookProvider, reason: string): Promise<void> {
  try {
    const slot = await takeLimit(ctx.env.RATE_LIMITER, ctx.workspace.id, `webhook-rejections:${provider}`, REJECTIONS_RECORDED, REJECTIONS_WINDOW_SECONDS);
    if (!slot.allowed) return;
    await ctx.inWorkspace((db) =>
      db.insert(webhookEvents).values({ id: newId(), provider, verified: false, rejectionReason: reason, outcome: 'ignored', outcomeDetail: 'rejected' }),
    );
  } catch (err) {
    // The 401 matters more than the record of it.
    logger.error('webhook.rejection_not_recorded', { request_id: ctx.requestId, provider, error: describeError(err) });
  }
}
