import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client';
import { deliveries, type Lead, leadEvents, leads, type WebhookEvent, type WebhookOutcome, webhookEvents } from '../../db/schema';
import { canMoveStatus, leadStatusFor, refusedMoveReason } from '../../domain/crm-status';
import { normalizeEmail } from '../../domain/email';
import { newId } from '../../domain/ids';
import type { DeliveryRequest } from '../../fanout/types';
import { extractStatusChanges, type StatusChange } from '../../integrations/webhooks/status-changes';
import type { WebhookProvider } from '../../integrations/webhooks/verify';
import { logger } from '../../logger';
import type { WebhookReceivedEvent } from '../../messages/events';
import type { ServiceContext } from '../context';

/**
 * Outcomes that may be applied (again): not yet done, or not fully done for a fixable reason. An
 * `unknown_lead` batch may have moved some of its leads already: applying it again is safe because each
 * change is idempotent on its own (a lead already at, or past, the status is left alone; a trial is
 * unlocked once), so a replay only does what was not done.
 */
export const APPLICABLE_OUTCOMES: WebhookOutcome[] = ['pending', 'failed', 'unknown_lead'];

interface ChangeResult {
  outcome: 'applied' | 'ignored' | 'unknown_lead';
  detail: string;
  leadId?: string;
  unlocked?: DeliveryRequest;
}

/**
 * Consumer side of a verified CRM webhook: moves each named lead to the status the CRM's value maps
 * to — forward only (`canMoveStatus`: never backwards, never out of `customer`) — records
 * `status_changed` (and `trial_unlocked` the first time a lead becomes a customer) and the webhook's
 * outcome, all in the event's transaction. The row is locked, and an `applied` or `ignored` row is
 * never applied again, so a duplicate message changes nothing twice. A batch in which any change found
 * no lead is `unknown_lead` even if others applied, so it stays replayable; the replay skips what was
 * applied (see APPLICABLE_OUTCOMES).
 */
export async function applyWebhookReceived({ ctx, input: event }: { ctx: ServiceContext; input: WebhookReceivedEvent }): Promise<DeliveryRequest[]> {
  return ctx.inWorkspace((tx) => applyIn(ctx, tx, event));
}

async function applyIn(ctx: ServiceContext, tx: Queryable, event: WebhookReceivedEvent): Promise<DeliveryRequest[]> {
  const [row] = await tx.select().from(webhookEvents).where(eq(webhookEvents.id, event.webhook_event_id)).for('update').limit(1);
  if (!row?.verified) {
    logger.error('webhook.apply_missing_row', { event_id: event.id, webhook_event_id: event.webhook_event_id });
    return [];
  }
  // Applied (or ignored) by an earlier message: a replay never repeats an effect.
  if (!APPLICABLE_OUTCOMES.includes(row.outcome)) return [];

  const provider = row.provider as WebhookProvider;
  const extraction = extractStatusChanges(provider, row.payload);
  if ('error' in extraction) return finish(tx, row, 'failed', extraction.error);
  if (extraction.changes.length === 0) return finish(tx, row, 'ignored', extraction.note ?? 'no status change');

  const results: ChangeResult[] = [];
  for (const change of extraction.changes) results.push(await applyChange(ctx, tx, row, change, event));

  const outcome = batchOutcome(results);
  const leadId = results.find((r) => r.outcome === 'applied')?.leadId ?? results.find((r) => r.leadId)?.leadId;
  const requests = results.flatMap((r) => (r.unlocked ? [r.unlocked] : []));
  // One outbox row per (event, destination, key): a batch unlocking several trials keys them apart.
  requests.forEach((r, i) => {
    if (i > 0) r.key = `trial_unlocked:${r.leadId}`;
  });
  const partly = outcome === 'unknown_lead' && results.some((r) => r.outcome === 'applied') ? 'partly applied: ' : '';
  await finish(tx, row, outcome, `${partly}${results.map((r) => r.detail).join('; ')}`.slice(0, 1000), leadId);
  logger.info('webhook.applied', { webhook_event_id: row.id, provider, outcome, changes: results.length, trials_unlocked: requests.length });
  return requests;
}

/** Any change that found no lead keeps the whole delivery `unknown_lead` (replayable); else applied if any change was. */
export function batchOutcome(results: Array<Pick<ChangeResult, 'outcome'>>): 'applied' | 'ignored' | 'unknown_lead' {
  if (results.some((r) => r.outcome === 'unknown_lead')) return 'unknown_lead';
  return results.some((r) => r.outcome === 'applied') ? 'applied' : 'ignored';
}

async function applyChange(ctx: ServiceContext, tx: Queryable, row: WebhookEvent, change: StatusChange, event: WebhookReceivedEvent): Promise<ChangeResult> {
  const target = leadStatusFor(ctx.config.inboundWebhooks.statusMap, row.provider, change.status);
  if (!target) return { outcome: 'ignored', detail: `"${change.status.slice(0, 60)}" maps to no Leadgate status` };
  const lead = await findLead(tx, row.provider, change);
  if (!lead)
    return {
      outcome: 'unknown_lead',
      detail: `no lead for this ${change.email ? 'email' : change.leadId ? 'lead id' : `${row.provider} record ${change.crmId}`}`,
    };

  const unlocks = target === 'customer' && !lead.trialUnlockedAt;
  if (lead.status === target && !unlocks) return { outcome: 'ignored', detail: `lead already ${target}`, leadId: lead.id };
  // Never backwards, never out of customer; lost only to customer. This is also what makes a replay
  // of a partly applied batch idempotent per change.
  if (lead.status !== target && !canMoveStatus(lead.status, target)) {
    return { outcome: 'ignored', detail: refusedMoveReason(lead.status, target), leadId: lead.id };
  }

  const now = new Date();
  await tx
    .update(leads)
    .set({ status: target, updatedAt: now, ...(unlocks ? { trialUnlockedAt: now } : {}) })
    .where(eq(leads.id, lead.id));
  const common = { leadId: lead.id, source: `webhook:${row.provider}`, occurredAt: now.toISOString(), requestId: event.request_id };
  if (lead.status !== target) {
    await appendHistory(tx, {
      ...common,
      type: 'status_changed',
      payload: { from: lead.status, to: target, provider: row.provider, crm_status: change.status, delivery_id: row.deliveryId, webhook_event_id: row.id },
    });
  }
  if (!unlocks) return { outcome: 'applied', detail: `${lead.status} → ${target}`, leadId: lead.id };

  await appendHistory(tx, { ...common, type: 'trial_unlocked', payload: { provider: row.provider, webhook_event_id: row.id } });
  return {
    outcome: 'applied',
    detail: `${lead.status} → ${target}, trial unlocked`,
    leadId: lead.id,
    unlocked: {
      destination: 'webhook',
      key: 'trial_unlocked',
      leadId: lead.id,
      payload: {
        type: 'lead.trial_unlocked',
        data: { lead_id: lead.id, email: lead.email, company_domain: lead.companyDomain, unlocked_at: now.toISOString() },
      },
    },
  };
}

/** By Leadgate id, else by normalized email, else by the CRM record id our CRM sync was answered with. */
async function findLead(tx: Queryable, provider: string, change: StatusChange): Promise<Lead | undefined> {
  if (change.leadId && /^[0-9a-f-]{36}$/i.test(change.leadId)) {
    const [lead] = await tx.select().from(leads).where(eq(leads.id, change.leadId)).for('update').limit(1);
    if (lead) return lead;
  }
  if (change.email) {
    const [lead] = await tx
      .select()
      .from(leads)
      .where(eq(leads.emailNormalized, normalizeEmail(change.email)))
      .for('update')
      .limit(1);
    if (lead) return lead;
  }
  if (change.crmId) {
    // HubSpot answers with the contact id, Pipedrive with "person:<id>,lead:<id>".
    const refs = sql`string_to_array(${deliveries.providerReference}, ',')`;
    const [synced] = await tx
      .select({ leadId: deliveries.leadId })
      .from(deliveries)
      .where(
        and(
          eq(deliveries.destination, 'crm'),
          eq(deliveries.key, provider),
          sql`(${change.crmId} = ANY(${refs}) OR ${`person:${change.crmId}`} = ANY(${refs}))`,
        ),
      )
      .orderBy(sql`${deliveries.deliveredAt} DESC NULLS LAST`)
      .limit(1);
    if (synced?.leadId) {
      const [lead] = await tx.select().from(leads).where(eq(leads.id, synced.leadId)).for('update').limit(1);
      return lead;
    }
  }
  return undefined;
}

async function finish(tx: Queryable, row: WebhookEvent, outcome: WebhookOutcome, detail: string, leadId?: string): Promise<DeliveryRequest[]> {
  await tx
    .update(webhookEvents)
    .set({ outcome, outcomeDetail: detail, leadId: leadId ?? row.leadId, appliedAt: new Date() })
    .where(eq(webhookEvents.id, row.id));
  if (outcome !== 'applied') logger.info('webhook.not_applied', { webhook_event_id: row.id, provider: row.provider, outcome });
  return [];
}

async function appendHistory(
  tx: Queryable,
  e: { leadId: string; type: string; source: string; payload: Record<string, unknown>; occurredAt: string; requestId: string },
): Promise<void> {
  await tx
    .insert(leadEvents)
    .values({ id: newId(), leadId: e.leadId, type: e.type, source: e.source, payload: e.payload, occurredAt: new Date(e.occurredAt), requestId: e.requestId });
}
