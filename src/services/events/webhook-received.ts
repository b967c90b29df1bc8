import { and, eq, or, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client';
import { deliveries, type Lead, leads, type WebhookEvent, type WebhookOutcome, webhookEvents } from '../../db/schema';
import { leadStatusFor } from '../../domain/crm-status';
import { normalizeEmail } from '../../domain/email';
import { crmAction } from '../../domain/pipeline';
import { extractStatusChanges, type StatusChange } from '../../integrations/webhooks/status-changes';
import type { WebhookProvider } from '../../integrations/webhooks/verify';
import { logger } from '../../logger';
import type { WebhookReceivedEvent } from '../../messages/events';
import type { ServiceContext } from '../context';
import { applyChangeIn } from '../pipeline/change';

/**
 * Outcomes a message may apply (again): not yet done, or not fully done for a fixable reason. An
 * `unknown_lead` batch may have moved some of its leads already: applying it again is safe because each
 * change is idempotent on its own — a lead already at, or past, the stage is refused by the pipeline's
 * rules (the refusal is audited; nothing changes); a trial is unlocked once — so a replay only does what
 * was not done. An operator may also replay an `ignored` delivery (manage-webhook-events.ts).
 */
export const APPLICABLE_OUTCOMES: WebhookOutcome[] = ['pending', 'failed', 'unknown_lead'];

interface ChangeResult {
  outcome: 'applied' | 'ignored' | 'unknown_lead';
  detail: string;
  leadId?: string;
  deliveryIds?: string[];
}

/**
 * Consumer side of a verified CRM webhook: each change the CRM reports goes through the pipeline's one
 * rule (src/domain/pipeline.ts, via applyChangeIn) as the webhook's provider: a value mapped to
 * contacted or qualified moves the lead one step, "won" marks the sale paid (and may revive a lost one),
 * "lost" loses the open sale or lead. A change the rules refuse is recorded as ignored with the rule, and
 * the refusal is in the audit log. All of it happens in the event's transaction; the row is locked, and
 * an `applied` or `ignored` row is never applied again, so a duplicate message changes nothing twice. A
 * batch in which any change found no lead is `unknown_lead` even if others applied, so it stays
 * replayable; the replay skips what was applied (see APPLICABLE_OUTCOMES). Returns the deliveries the
 * changes wrote to the outbox, for the consumer to queue after the commit.
 */
export async function applyWebhookReceived({ ctx, input: event }: { ctx: ServiceContext; input: WebhookReceivedEvent }): Promise<string[]> {
  return ctx.inWorkspace((tx) => applyIn(ctx, tx, event));
}

async function applyIn(ctx: ServiceContext, tx: Queryable, event: WebhookReceivedEvent): Promise<string[]> {
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
  const partly = outcome === 'unknown_lead' && results.some((r) => r.outcome === 'applied') ? 'partly applied: ' : '';
  await finish(tx, row, outcome, `${partly}${results.map((r) => r.detail).join('; ')}`.slice(0, 1000), leadId);
  logger.info('webhook.applied', { webhook_event_id: row.id, provider, outcome, changes: results.length });
  return results.flatMap((r) => r.deliveryIds ?? []);
}

/** Any change that found no lead keeps the whole delivery `unknown_lead` (replayable); else applied if any change was. */
export function batchOutcome(results: Array<Pick<ChangeResult, 'outcome'>>): 'applied' | 'ignored' | 'unknown_lead' {
  if (results.some((r) => r.outcome === 'unknown_lead')) return 'unknown_lead';
  return results.some((r) => r.outcome === 'applied') ? 'applied' : 'ignored';
}

async function applyChange(ctx: ServiceContext, tx: Queryable, row: WebhookEvent, change: StatusChange, event: WebhookReceivedEvent): Promise<ChangeResult> {
  const mapped = leadStatusFor(ctx.config.inboundWebhooks.statusMap, row.provider, change.status);
  const action = mapped ? crmAction(mapped) : null;
  if (!action) return { outcome: 'ignored', detail: `"${change.status.slice(0, 60)}" maps to no Leadgate stage` };
  const lead = await findLead(tx, row.provider, change);
  if (!lead)
    return {
      outcome: 'unknown_lead',
      detail: `no lead for this ${change.email ? 'email' : change.leadId ? 'lead id' : `${row.provider} record ${change.crmId}`}`,
    };
  const result = await applyChangeIn({ ...ctx, requestId: event.request_id }, tx, {
    leadId: lead.id,
    action,
    actor: { kind: 'webhook', name: `webhook:${row.provider}` },
    context: { provider: row.provider, crm_status: change.status.slice(0, 100), webhook_event_id: row.id, delivery_id: row.deliveryId },
  });
  if (!result.ok) return { outcome: 'ignored', detail: `${result.rule}: ${result.reason}`, leadId: lead.id };
  const moved = result.sale ? `sale ${result.sale.stage}${result.revived ? ' (a lost sale revived)' : ''}` : `lead ${result.lead.stage}`;
  return {
    outcome: 'applied',
    detail: `${mapped} → ${moved}${result.lead.trialUnlockedAt && !lead.trialUnlockedAt ? ', trial unlocked' : ''}`,
    leadId: lead.id,
    deliveryIds: result.deliveryIds,
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
          // The board items of the chatbot hub (destination `monday`) are monday's records of their leads too.
          provider === 'monday'
            ? or(and(eq(deliveries.destination, 'crm'), eq(deliveries.key, provider)), eq(deliveries.destination, 'monday'))
            : and(eq(deliveries.destination, 'crm'), eq(deliveries.key, provider)),
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

async function finish(tx: Queryable, row: WebhookEvent, outcome: WebhookOutcome, detail: string, leadId?: string): Promise<string[]> {
  await tx
    .update(webhookEvents)
    .set({ outcome, outcomeDetail: detail, leadId: leadId ?? row.leadId, appliedAt: new Date() })
    .where(eq(webhookEvents.id, row.id));
  if (outcome !== 'applied') logger.info('webhook.not_applied', { webhook_event_id: row.id, provider: row.provider, outcome });
  return [];
}
