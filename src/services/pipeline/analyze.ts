import { and, count, desc, eq, gt, inArray } from 'drizzle-orm';
import { sha256Hex } from '../../crypto/digest';
import type { Queryable } from '../../db/client';
import { type Analysis, analyses, type Lead, leadEvents, leads } from '../../db/schema';
import { newId } from '../../domain/ids';
import type { LeadStage } from '../../domain/pipeline';
import { featuresKey, RULES_MODEL, type Scored, type ScoringFeatures, scoreByRules } from '../../domain/scoring';
import { takeLimit } from '../../durable-objects/rate-limiter';
import { pipelineEvent } from '../../fanout/pipeline-fanout';
import { enqueueDeliveries, recordDeliveries } from '../../fanout/record-deliveries';
import { scoreWithChatCompletions } from '../../integrations/scoring/chat-completions';
import { logger } from '../../logger';
import type { ServiceContext } from '../context';
import { ServiceError } from '../errors';
import { appendAudit } from './audit';

/** History entries that count as the lead's inbound interactions (message_count). */
export const INBOUND_INTERACTIONS = [
  'form_submitted',
  'roi_calculated',
  'content_downloaded',
  'demo_booked',
  'chatbot_message',
  'chatbot_lead',
  'chatbot_handoff',
  'reply_received',
];

const DAY_MS = 86_400_000;

/** The scorer's input, from our own data only (see src/domain/scoring.ts for what each feature means). */
export async function featuresOf(db: Queryable, lead: Lead, now = new Date()): Promise<ScoringFeatures> {
  const [row] = await db
    .select({ n: count() })
    .from(leadEvents)
    .where(and(eq(leadEvents.leadId, lead.id), inArray(leadEvents.type, INBOUND_INTERACTIONS)));
  return {
    source: lead.firstSource,
    stage: lead.stage as LeadStage,
    message_count: row?.n ?? 0,
    has_business_domain: lead.businessDomain !== null,
    business_domain: lead.businessDomain,
    days_since_created: Math.max(0, Math.floor((now.getTime() - lead.createdAt.getTime()) / DAY_MS)),
  };
}

/**
 * The score, from the configured scorer. The LLM scorer answers within its timeout and token budget and
 * a daily number of calls per workspace; on a timeout, a bad or cut-off answer, a refusal or an exhausted
 * budget the rules answer instead, and `model` says so. Never throws for the scorer's sake.
 */
async function runScorer(ctx: ServiceContext, features: ScoringFeatures): Promise<{ scored: Scored; model: string }> {
  const { scorer, llm } = ctx.config.scoring;
  const transferAt = ctx.config.pipeline.transferMinScore;
  if (scorer === 'rules' || !llm.url || !llm.model) return { scored: scoreByRules(features, transferAt), model: RULES_MODEL };
  const fallback = (why: string) => {
    logger.warn('scoring.llm_fallback', { request_id: ctx.requestId, reason: why });
    return { scored: scoreByRules(features, transferAt), model: `${RULES_MODEL} (fallback: ${llm.model} ${why})` };
  };
  const budget = await takeLimit(ctx.env.RATE_LIMITER, ctx.workspace.id, 'llm-scoring:day', llm.dailyBudget, 86_400).catch(() => null);
  if (budget && !budget.allowed) return fallback('daily budget used up');
  const answer = await scoreWithChatCompletions(
    (r) => fetch(r),
    { url: llm.url, apiKey: llm.apiKey, model: llm.model, timeoutMs: llm.timeoutMs, maxTokens: llm.maxTokens },
    features,
  );
  return answer.ok ? { scored: answer.scored, model: llm.model } : fallback(answer.reason);
}

export interface AnalysisResult {
  analysis: Analysis;
  cached: boolean;
}

/**
 * Analyses a lead. Advisory only: it never changes a stage. An analysis of the same input made within
 * ANALYSIS_TTL_SECONDS is returned as it is (cached, no scorer called); any change of input — a stage,
 * an interaction, a business domain, a day passing — makes it stale. Every analysis is stored with its
 * input, output, scorer and latency; every request is in the audit log; a score that crosses the
 * transfer threshold sends `lead.score_changed`.
 */
export async function analyzeLead({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { leadId: string; trigger: 'manager' | 'background' };
}): Promise<AnalysisResult> {
  const ttlMs = ctx.config.pipeline.analysisTtlSeconds * 1000;
  const actor = input.trigger === 'background' ? 'system' : ctx.actor;
  const audit = (analysis: Analysis, cached: boolean) => ({
    actor,
    action: 'analysis_requested',
    leadId: input.leadId,
    requestId: ctx.requestId,
    data: {
      analysis_id: analysis.id,
      cached,
      trigger: input.trigger,
      score: analysis.output.score,
      recommendation: analysis.output.recommendation,
      model: analysis.model,
    },
  });

  // First: the lead and its features, and a fresh analysis of the same input if there is one.
  const seen = await ctx.inWorkspace(async (db) => {
    const [lead] = await db.select().from(leads).where(eq(leads.id, input.leadId)).limit(1);
    if (!lead) throw new ServiceError('not_found', { detail: 'No lead with this id.' });
    const features = await featuresOf(db, lead);
    const inputHash = await sha256Hex(featuresKey(features));
    const [hit] = await db
      .select()
      .from(analyses)
      .where(and(eq(analyses.leadId, lead.id), eq(analyses.inputHash, inputHash), gt(analyses.createdAt, new Date(Date.now() - ttlMs))))
      .orderBy(desc(analyses.createdAt))
      .limit(1);
    if (hit) await appendAudit(db, [audit(hit, true)]);
    return { lead, features, inputHash, hit };
  });
  if (seen.hit) return { analysis: seen.hit, cached: true };

  // The scorer runs outside any transaction: an LLM's seconds hold no lock and no connection.
  const started = Date.now();
  const { scored, model } = await runScorer(ctx, seen.features);
  const latencyMs = Date.now() - started;

  const { analysis, deliveryIds } = await ctx.inWorkspace(async (db) => {
    const [row] = await db
      .insert(analyses)
      .values({ id: newId(), leadId: seen.lead.id, input: seen.features, inputHash: seen.inputHash, output: scored, model, latencyMs, trigger: input.trigger })
      .returning();
    const [before] = await db
      .update(leads)
      .set({ score: scored.score, analyzedAt: row!.createdAt })
      .where(eq(leads.id, seen.lead.id))
      .returning({ id: leads.id });
    if (!before) throw new ServiceError('not_found', { detail: 'No lead with this id.' });
    await appendAudit(db, [audit(row!, false)]);
    const threshold = ctx.config.pipeline.transferMinScore;
    const previous = seen.lead.score;
    const crossed = previous === null ? scored.score >= threshold : previous < threshold !== scored.score < threshold;
    const requests = crossed
      ? pipelineEvent(ctx.config.pipeline, 'lead.score_changed', seen.lead.id, {
          analysis_id: row!.id,
          score: scored.score,
          previous_score: previous,
          threshold,
          recommendation: scored.recommendation,
          direction: scored.score >= threshold ? 'up' : 'down',
          at: row!.createdAt.toISOString(),
        })
      : [];
    return { analysis: row!, deliveryIds: await recordDeliveries(db, [{ eventId: row!.id, requests }]) };
  });
  await ctx.inWorkspace((db) => enqueueDeliveries(db, ctx.env, ctx.workspace.id, deliveryIds));
  logger.info('scoring.analyzed', {
    request_id: ctx.requestId,
    lead_id: seen.lead.id,
    score: scored.score,
    model,
    latency_ms: latencyMs,
    trigger: input.trigger,
  });
  return { analysis, cached: false };
}
