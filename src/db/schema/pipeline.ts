import { bigint, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { Factor, Recommendation, ScoringFeatures } from '../../domain/scoring';
import { leads } from './leads';
import { workspaceId } from './workspaces';

/** A transferred lead's sale: new → kyc → agreement → paid, or lost. One per lead. */
export const sales = pgTable(
  'sales',
  {
    id: uuid('id').primaryKey(),
    workspaceId: workspaceId(),
    leadId: uuid('lead_id')
      .notNull()
      .references(() => leads.id, { onDelete: 'cascade' }),
    stage: text('stage').notNull().default('new'),
    version: integer('version').notNull().default(1),
    /** The score the lead had when it was transferred, kept beside the outcome (the feedback report). */
    scoreAtTransfer: numeric('score_at_transfer', { precision: 4, scale: 3, mode: 'number' }),
    analysisId: uuid('analysis_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** When it became paid or lost. */
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('sales_lead_key').on(t.leadId), index('sales_workspace_stage_idx').on(t.workspaceId, t.stage, t.id)],
);

export interface AnalysisOutput {
  score: number;
  recommendation: Recommendation;
  reason: string;
  factors: Factor[];
}

/** Every analysis made (the cache, and the record of what the scorer saw and said). */
export const analyses = pgTable(
  'analyses',
  {
    id: uuid('id').primaryKey(),
    workspaceId: workspaceId(),
    leadId: uuid('lead_id')
      .notNull()
      .references(() => leads.id, { onDelete: 'cascade' }),
    input: jsonb('input').$type<ScoringFeatures>().notNull(),
    /** SHA-256 of the canonical input: the cache key. */
    inputHash: text('input_hash').notNull(),
    output: jsonb('output').$type<AnalysisOutput>().notNull(),
    /** Which scorer answered (and, after a fallback, why the LLM did not). */
    model: text('model').notNull(),
    latencyMs: integer('latency_ms').notNull(),
    /** `manager` (POST …/analyze) or `background` (every N interactions). */
    trigger: text('trigger').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('analyses_lead_idx').on(t.leadId, t.createdAt), index('analyses_cache_idx').on(t.leadId, t.inputHash, t.createdAt)],
);

/**
 * The audit log: append-only (a trigger refuses UPDATE and DELETE), hash-chained per workspace. `seq`,
 * `prev_hash` and `hash` are filled by the insert trigger (migration 0009) under a transaction-scoped
 * advisory lock per workspace, so concurrent writers cannot fork the chain and no code can get it wrong.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    workspaceId: workspaceId(),
    seq: bigint('seq', { mode: 'number' }).notNull().default(0),
    id: uuid('id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** The key's name, `webhook:<provider>`, `chatbot:<platform>` or `system`. */
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    leadId: uuid('lead_id'),
    saleId: uuid('sale_id'),
    from: text('from'),
    to: text('to'),
    reason: text('reason'),
    requestId: text('request_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    prevHash: text('prev_hash').notNull().default(''),
    hash: text('hash').notNull().default(''),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.seq] }), uniqueIndex('audit_log_id_key').on(t.id), index('audit_log_lead_idx').on(t.leadId, t.seq)],
);

export type Sale = typeof sales.$inferSelect;
export type Analysis = typeof analyses.$inferSelect;
export type AuditEntry = typeof auditLog.$inferSelect;

/** The last entry of each workspace's audit chain (kept by the insert trigger): shows when entries were removed from the end. */
export const auditHeads = pgTable('audit_heads', {
  workspaceId: workspaceId().primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
});
