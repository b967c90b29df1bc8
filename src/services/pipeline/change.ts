import { desc, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client';
import { analyses, type Lead, leads, type Sale, sales } from '../../db/schema';
import { newId } from '../../domain/ids';
import { type ActorKind, decide, failedGates, type Gate, type LeadStage, type PipelineAction, type SaleStage } from '../../domain/pipeline';
import { pipelineDeliveries } from '../../fanout/pipeline-fanout';
import { enqueueDeliveries, recordDeliveries } from '../../fanout/record-deliveries';
import { logger } from '../../logger';
import type { ServiceContext } from '../context';
import { ServiceError } from '../errors';
import { appendAudit } from './audit';

export interface Actor {
  kind: ActorKind;
  /** As the audit log and the logs name it: the key's name, `webhook:hubspot`, `chatbot:chatfuel`, `system`. */
  name: string;
}

export interface ChangeInput {
  leadId: string;
  action: PipelineAction;
  actor: Actor;
  /** If-Match: the version the caller read — of the lead for lead moves and transfers, of the sale for sale moves. */
  expectedVersion?: number;
  note?: string;
  /** Beside the entry in the audit log (the CRM value, the webhook event…). */
  context?: Record<string, unknown>;
}

export type ChangeResult =
  | { ok: true; lead: Lead; sale: Sale | null; auditId: string; deliveryIds: string[]; revived?: boolean }
  | { ok: false; rule: string; reason: string; gates?: Array<{ gate: Gate; reason: string }>; lead: Lead; sale: Sale | null; auditId: string };

const SALE_TERMINAL = new Set(['paid', 'lost']);

async function lockLead(db: Queryable, leadId: string): Promise<{ lead: Lead; sale: Sale | null } | null> {
  const [lead] = await db.select().from(leads).where(eq(leads.id, leadId)).for('update').limit(1);
  if (!lead) return null;
  const [sale] = await db.select().from(sales).where(eq(sales.leadId, leadId)).for('update').limit(1);
  return { lead, sale: sale ?? null };
}

/**
 * Applies one pipeline action to one lead inside the caller's transaction: the lead (and its sale) are
 * locked, the version the caller read is checked, `decide` (src/domain/pipeline.ts) says yes or no, and
 * either the change or the refusal is appended to the audit log in the same transaction, with the
 * deliveries the change causes in the outbox. A transfer first passes the hard gates. Throws only when
 * the lead does not exist or its version moved on; a refusal is an answer (the caller reports 409 after
 * the refusal's audit entry is committed).
 */
export async function applyChangeIn(ctx: ServiceContext, db: Queryable, input: ChangeInput): Promise<ChangeResult> {
  const locked = await lockLead(db, input.leadId);
  if (!locked) throw new ServiceError('not_found', { detail: 'No lead with this id.' });
  const { lead, sale } = locked;
  const versioned = input.action.type === 'move_sale' ? sale : lead;
  if (input.expectedVersion !== undefined && versioned && versioned.version !== input.expectedVersion) {
    throw new ServiceError('precondition_failed', {
      detail: `The ${input.action.type === 'move_sale' ? 'sale' : 'lead'} is at version ${versioned.version}, not ${input.expectedVersion}: read it again.`,
      extra: { version: versioned.version },
    });
  }
  const state = { lead: { stage: lead.stage as LeadStage }, sale: sale ? { stage: sale.stage as SaleStage } : null };
  const audit = { actor: input.actor.name, leadId: lead.id, saleId: sale?.id ?? null, requestId: ctx.requestId };
  const requested = 'to' in input.action ? input.action.to : input.action.type;

  const refuse = async (rule: string, reason: string, gates?: Array<{ gate: Gate; reason: string }>): Promise<ChangeResult> => {
    const [auditId] = await appendAudit(db, [
      {
        ...audit,
        action: 'refused',
        from: sale && input.action.type !== 'move_lead' ? `sale:${sale.stage}` : lead.stage,
        to: requested,
        reason: `${rule}: ${reason}`,
        data: { attempted: input.action.type, rule, ...(gates ? { gates } : {}), ...(input.note ? { note: input.note } : {}), ...input.context },
      },
    ]);
    logger.info('pipeline.refused', { request_id: ctx.requestId, actor: input.actor.name, lead_id: lead.id, action: input.action.type, rule });
    return { ok: false, rule, reason, gates, lead, sale, auditId: auditId! };
  };

  const decision = decide(state, input.action, input.actor.kind);
  // A transfer of an open lead that is not (yet) qualified answers with every gate that fails, stage included.
  const gatesDecide = input.action.type === 'transfer' && (decision.ok || decision.rule === 'skips');
  if (!decision.ok && !gatesDecide) return refuse(decision.rule, decision.reason);

  let latest: { id: string; score: number; createdAt: Date } | null = null;
  if (gatesDecide) {
    const [row] = await db
      .select({ id: analyses.id, score: sql<number>`(${analyses.output}->>'score')::float8`, createdAt: analyses.createdAt })
      .from(analyses)
      .where(eq(analyses.leadId, lead.id))
      .orderBy(desc(analyses.createdAt))
      .limit(1);
    latest = row ?? null;
    const gates = failedGates({
      stage: lead.stage as LeadStage,
      businessDomain: lead.businessDomain,
      latest: latest ? { score: latest.score, analyzedAt: latest.createdAt } : null,
      minScore: ctx.config.pipeline.transferMinScore,
      maxAgeSeconds: ctx.config.pipeline.analysisTtlSeconds,
      now: new Date(),
    });
    if (gates.length > 0) return refuse('gates', `the transfer gates did not pass: ${gates.map((g) => g.gate).join(', ')}`, gates);
  }
  if (!decision.ok) return refuse(decision.rule, decision.reason);

  const now = new Date();
  let nextLead = lead;
  let nextSale = sale;
  if (decision.lead) {
    [nextLead] = (await db
      .update(leads)
      .set({ stage: decision.lead.to, version: sql`${leads.version} + 1`, updatedAt: now })
      .where(eq(leads.id, lead.id))
      .returning()) as [Lead];
  }
  if (decision.sale) {
    const closes = SALE_TERMINAL.has(decision.sale.to);
    if (decision.sale.from === null) {
      [nextSale] = (await db
        .insert(sales)
        .values({
          id: newId(),
          leadId: lead.id,
          stage: decision.sale.to,
          scoreAtTransfer: latest?.score ?? null,
          analysisId: latest?.id ?? null,
          createdAt: now,
          updatedAt: now,
        })
        .returning()) as [Sale];
    } else {
      [nextSale] = (await db
        .update(sales)
        .set({ stage: decision.sale.to, version: sql`${sales.version} + 1`, updatedAt: now, closedAt: closes ? now : null })
        .where(eq(sales.id, sale!.id))
        .returning()) as [Sale];
    }
  }
  const unlocksTrial = decision.sale?.to === 'paid' && !lead.trialUnlockedAt;
  if (unlocksTrial) [nextLead] = (await db.update(leads).set({ trialUnlockedAt: now }).where(eq(leads.id, lead.id)).returning()) as [Lead];

  const note = input.note ?? null;
  const entries = [];
  if (input.action.type === 'transfer') {
    entries.push({
      ...audit,
      action: 'lead_transferred',
      from: 'qualified',
      to: 'transferred',
      reason: note,
      data: { score: latest?.score ?? null, analysis_id: latest?.id ?? null, gates: 'passed', ...input.context },
    });
    entries.push({
      ...audit,
      saleId: nextSale!.id,
      action: 'sale_created',
      from: null,
      to: 'new',
      reason: null,
      data: { score_at_transfer: latest?.score ?? null },
    });
  } else if (decision.lead) {
    entries.push({ ...audit, action: 'lead_stage_changed', from: decision.lead.from, to: decision.lead.to, reason: note, data: { ...input.context } });
  }
  if (decision.sale && decision.sale.from !== null) {
    entries.push({
      ...audit,
      action: decision.revived ? 'sale_revived' : 'sale_stage_changed',
      from: decision.sale.from,
      to: decision.sale.to,
      reason: note ?? (decision.revived ? 'a CRM reported the lost deal as won' : null),
      data: { ...(decision.passedOver?.length ? { passed_over: decision.passedOver } : {}), ...input.context },
    });
  }
  if (unlocksTrial) entries.push({ ...audit, action: 'trial_unlocked', from: null, to: null, reason: null, data: { ...input.context } });
  const ids = await appendAudit(db, entries);
  const auditId = ids[0]!;

  const requests = pipelineDeliveries(ctx.config, {
    lead: nextLead,
    sale: nextSale,
    leadMove: decision.lead,
    saleMove: decision.sale,
    transferred: input.action.type === 'transfer' ? { score: latest?.score ?? null, note: input.note, actor: input.actor.name } : undefined,
    unlocksTrial,
    actor: input.actor.name,
    auditId,
    at: now,
  });
  const deliveryIds = await recordDeliveries(db, [{ eventId: auditId, requests }]);
  logger.info('pipeline.changed', {
    request_id: ctx.requestId,
    actor: input.actor.name,
    lead_id: lead.id,
    action: input.action.type,
    lead_stage: nextLead.stage,
    sale_stage: nextSale?.stage ?? null,
  });
  return { ok: true, lead: nextLead, sale: nextSale, auditId, deliveryIds, ...(decision.revived ? { revived: true } : {}) };
}

/**
 * One action as its own transaction (a manager's PATCH or transfer, the chatbot): committed, then its
 * deliveries queued; a refusal is committed with its audit entry, then reported as 409 naming the rule.
 */
export async function applyChange({ ctx, input }: { ctx: ServiceContext; input: ChangeInput }): Promise<Extract<ChangeResult, { ok: true }>> {
  const result = await ctx.inWorkspace((db) => applyChangeIn(ctx, db, input));
  if (!result.ok) {
    throw new ServiceError('conflict', {
      detail: result.reason,
      extra: { rule: result.rule, ...(result.gates ? { failed_gates: result.gates } : {}), audit_id: result.auditId },
    });
  }
  // After the commit: a lost send leaves the rows for the cron sweep.
  await ctx.inWorkspace((db) => enqueueDeliveries(db, ctx.env, ctx.workspace.id, result.deliveryIds));
  return result;
}
