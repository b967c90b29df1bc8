import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { keysetPage, type Page } from '../db/paging';
import { type WebhookEvent, type WebhookOutcome, webhookEvents } from '../db/schema';
import { logger } from '../logger';
import { ServiceError } from '../services/errors';
import type { ServiceContext } from './context';
import { APPLICABLE_OUTCOMES } from './events/webhook-received';
import { enqueue } from './receive-webhook';

export interface WebhookEventFilter {
  provider?: string;
  outcome?: WebhookOutcome;
  verified?: boolean;
  /** Id of the last row of the previous page (UUIDv7: newest first is id order). */
  after?: string;
  limit: number;
}

export async function listWebhookEvents({ ctx, input: f }: { ctx: ServiceContext; input: WebhookEventFilter }): Promise<Page<WebhookEvent>> {
  const where: SQL[] = [];
  if (f.provider) where.push(eq(webhookEvents.provider, f.provider));
  if (f.outcome) where.push(eq(webhookEvents.outcome, f.outcome));
  if (f.verified !== undefined) where.push(eq(webhookEvents.verified, f.verified));
  if (f.after) where.push(lt(webhookEvents.id, f.after));
  const rows = await ctx.inWorkspace((db) =>
    db
      .select()
      .from(webhookEvents)
      .where(where.length ? and(...where) : undefined)
      .orderBy(desc(webhookEvents.id))
      .limit(f.limit + 1),
  );
  return keysetPage(rows, f.limit);
}

/**
 * Applies a verified delivery again — after the lead it named has arrived, or the status map was
 * fixed. Only deliveries not fully applied can be replayed (pending, failed, unknown_lead — a batch
 * may be partly applied), and applying is idempotent per change, so a replay never repeats an effect.
 */
export async function replayWebhookEvent({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<{ eventId: string }> {
  const [row] = await ctx.inWorkspace((db) => db.select().from(webhookEvents).where(eq(webhookEvents.id, input.id)).limit(1));
  if (!row) throw new ServiceError('not_found', { detail: 'No webhook event with this id.' });
  if (!row.verified) throw new ServiceError('conflict', { detail: 'A rejected webhook cannot be replayed.' });
  if (!APPLICABLE_OUTCOMES.includes(row.outcome) && row.outcome !== 'ignored') {
    throw new ServiceError('conflict', {
      detail: `This webhook event was ${row.outcome}; only pending, failed, unknown_lead or ignored ones can be replayed.`,
    });
  }
  // An ignored one (a "won" that came before the transfer, a value the status map learned since) is
  // applied again at an operator's word: back to pending, then through the same rules as the first time.
  if (row.outcome === 'ignored')
    await ctx.inWorkspace((db) =>
      db
        .update(webhookEvents)
        .set({ outcome: 'pending' })
        .where(and(eq(webhookEvents.id, row.id), eq(webhookEvents.outcome, 'ignored'))),
    );
  const eventId = await enqueue(ctx, row.provider, row.id);
  logger.info('webhook.replayed', { request_id: ctx.requestId, webhook_event_id: row.id, event_id: eventId });
  return { eventId };
}

/** One inbound webhook, as received and as applied. */
export async function getWebhookEvent({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<WebhookEvent> {
  const [row] = await ctx.inWorkspace((db) => db.select().from(webhookEvents).where(eq(webhookEvents.id, input.id)).limit(1));
  if (!row) throw new ServiceError('not_found', { detail: 'No webhook event with this id.' });
  return row;
}
