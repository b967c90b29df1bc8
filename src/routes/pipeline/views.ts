import { z } from '@hono/zod-openapi';
import type { Analysis, AuditEntry, Sale } from '../../db/schema';
import { SALE_STAGES, type SaleStage } from '../../domain/pipeline';
import { RECOMMENDATIONS } from '../../domain/scoring';

export const SaleSchema = z
  .object({
    id: z.uuid().openapi({ description: 'Sale id: GET /api/v1/sales/{id}.', example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e10' }),
    lead_id: z.uuid().openapi({ description: 'The transferred lead: GET /api/v1/leads/{lead_id}.', example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f' }),
    stage: z.enum(SALE_STAGES).openapi({ description: 'new → kyc → agreement → paid, or lost.', example: 'kyc' }),
    version: z.number().int().openapi({ description: 'Send it back as If-Match when moving the sale.', example: 2 }),
    score_at_transfer: z.number().nullable().openapi({ description: 'The score the lead had when it was transferred.', example: 0.72 }),
    created_at: z.string().openapi({ description: 'When the lead was transferred.', example: '2026-11-24T11:00:00.000Z' }),
    updated_at: z.string().openapi({ description: 'Last change.', example: '2026-11-25T09:00:00.000Z' }),
    closed_at: z.string().nullable().openapi({ description: 'When it became paid or lost.', example: null }),
  })
  .openapi('Sale');

export function saleView(s: Sale): z.infer<typeof SaleSchema> {
  return {
    id: s.id,
    lead_id: s.leadId,
    stage: s.stage as SaleStage,
    version: s.version,
    score_at_transfer: s.scoreAtTransfer,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
    closed_at: s.closedAt?.toISOString() ?? null,
  };
}

const FactorSchema = z
  .object({
    feature: z.string().openapi({ description: 'The feature (or `base`).', example: 'source' }),
    value: z.unknown().openapi({ description: "The feature's value for this lead.", example: 'referral' }),
    contribution: z.number().openapi({ description: 'What it added to (or took from) the score.', example: 0.25 }),
  })
  .openapi('ScoreFactor');

export const AnalysisSchema = z
  .object({
    id: z.uuid().openapi({ description: 'Analysis id (in the lead detail and the audit log).', example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e20' }),
    score: z.number().openapi({ description: 'Advisory score, 0–1.', example: 0.72 }),
    recommendation: z.enum(RECOMMENDATIONS).openapi({ description: 'What the scorer suggests; a manager decides.', example: 'transfer_to_sales' }),
    reason: z
      .string()
      .openapi({ description: 'One sentence.', example: 'Score 0.72, transfer to sales: source +0.25, has business domain +0.15, stage +0.15.' }),
    factors: z.array(FactorSchema).openapi({ description: "Each feature's contribution." }),
    input: z.record(z.string(), z.unknown()).openapi({
      description: 'Exactly what the scorer saw: source, stage, message_count, has_business_domain, business_domain, days_since_created.',
      example: { source: 'referral', stage: 'qualified', message_count: 3, has_business_domain: true, business_domain: 'fintech', days_since_created: 2 },
    }),
    model: z.string().openapi({ description: 'Which scorer answered; after an LLM fallback it says why.', example: 'leadgate-rules-v1' }),
    cached: z
      .boolean()
      .openapi({ description: 'True when an analysis of the same input, under an hour old, was returned without calling a scorer.', example: false }),
    analyzed_at: z.string().openapi({ description: 'When the analysis was made.', example: '2026-11-24T10:06:00.000Z' }),
  })
  .openapi('Analysis');

export function analysisView(a: Analysis, cached = false): z.infer<typeof AnalysisSchema> {
  return {
    id: a.id,
    score: a.output.score,
    recommendation: a.output.recommendation,
    reason: a.output.reason,
    factors: a.output.factors,
    input: a.input as unknown as Record<string, unknown>,
    model: a.model,
    cached,
    analyzed_at: a.createdAt.toISOString(),
  };
}

export const AuditEntrySchema = z
  .object({
    id: z.uuid().openapi({ description: 'Entry id.', example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e30' }),
    seq: z.number().int().openapi({ description: "Position in the workspace's chain.", example: 42 }),
    at: z.string().openapi({ description: 'When.', example: '2026-11-24T11:00:00.000Z' }),
    actor: z.string().openapi({ description: "Who: the API key's name, webhook:<provider>, chatbot:<platform> or system.", example: 'sales-dashboard' }),
    action: z.string().openapi({
      description:
        'What: lead_created, contact_changed, lead_stage_changed, lead_transferred, sale_created, sale_stage_changed, sale_revived, trial_unlocked, analysis_requested, refused.',
      example: 'lead_stage_changed',
    }),
    lead_id: z.uuid().nullable().openapi({ description: 'The lead.', example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f' }),
    sale_id: z.uuid().nullable().openapi({ description: 'The sale, for sale entries.', example: null }),
    from: z.string().nullable().openapi({ description: 'Stage before.', example: 'contacted' }),
    to: z.string().nullable().openapi({ description: 'Stage after (or asked for, when refused).', example: 'qualified' }),
    reason: z.string().nullable().openapi({ description: 'Why: the note given, or the rule that refused.', example: 'Budget confirmed on the call' }),
    request_id: z.string().nullable().openapi({ description: 'The request that made it.', example: '5b7c0e4e-…' }),
    data: z.record(z.string(), z.unknown()).openapi({ description: 'Details (the gates, the CRM value, the score…).', example: {} }),
    hash: z.string().openapi({ description: 'SHA-256 of this entry and the one before (hex).', example: '9f2c…' }),
    prev_hash: z.string().openapi({ description: 'The hash of the entry before.', example: '41ab…' }),
  })
  .openapi('AuditEntry');

export function auditView(e: AuditEntry): z.infer<typeof AuditEntrySchema> {
  return {
    id: e.id,
    seq: e.seq,
    at: e.at.toISOString(),
    actor: e.actor,
    action: e.action,
    lead_id: e.leadId,
    sale_id: e.saleId,
    from: e.from,
    to: e.to,
    reason: e.reason,
    request_id: e.requestId,
    data: e.data,
    hash: e.hash,
    prev_hash: e.prevHash,
  };
}
