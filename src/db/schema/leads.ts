import { index, integer, jsonb, numeric, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { Consent, StatedField, Touch } from '../../domain/contact';
import { workspaceId } from './workspaces';

/** One row per person, keyed by normalized email. */
export const leads = pgTable(
  'leads',
  {
    id: uuid('id').primaryKey(),
    workspaceId: workspaceId(),
    email: text('email').notNull(),
    emailNormalized: text('email_normalized').notNull(),
    name: text('name'),
    company: text('company'),
    companyDomain: text('company_domain'),
    phone: text('phone'),
    /** Pipeline stage (src/domain/pipeline.ts): new, contacted, qualified, transferred or lost. */
    stage: text('stage').notNull().default('new'),
    /** Bumped by every change of stage or contact data; writes send it back as If-Match. */
    version: integer('version').notNull().default(1),
    /** The lead's industry, from the workspace's list of business domains (not the web company_domain). */
    businessDomain: text('business_domain'),
    /** The latest analysis (advisory): its score and when it was made. */
    score: numeric('score', { precision: 4, scale: 3, mode: 'number' }),
    analyzedAt: timestamp('analyzed_at', { withTimezone: true }),
    trialUnlockedAt: timestamp('trial_unlocked_at', { withTimezone: true }),
    firstSource: text('first_source').notNull(),
    firstTouch: jsonb('first_touch').$type<Touch>().notNull(),
    lastTouch: jsonb('last_touch').$type<Touch>().notNull(),
    consent: jsonb('consent').$type<Consent>().notNull(),
    /** When each contact field and consent purpose was last stated (ms): a later fact wins, field by field. */
    statedAt: jsonb('stated_at').$type<Partial<Record<StatedField, number>>>().notNull().default({}),
    /** Occurrence time of the newest fact applied; older facts arriving late only fill gaps. `created_at` is the oldest's. */
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('leads_workspace_email_key').on(t.workspaceId, t.emailNormalized),
    index('leads_first_source_idx').on(t.firstSource, t.id),
    index('leads_created_at_idx').on(t.createdAt),
    index('leads_workspace_stage_idx').on(t.workspaceId, t.stage, t.id),
  ],
);

/** Append-only history: every submission, status change, calculation, download, booking, webhook. */
export const leadEvents = pgTable(
  'lead_events',
  {
    /** The event's UUIDv7, assigned at the edge: the idempotency key of the whole pipeline. */
    id: uuid('id').primaryKey(),
    workspaceId: workspaceId(),
    leadId: uuid('lead_id')
      .notNull()
      .references(() => leads.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    source: text('source'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
    requestId: text('request_id'),
  },
  (t) => [index('lead_events_lead_id_idx').on(t.leadId, t.occurredAt)],
);

export type Lead = typeof leads.$inferSelect;
export type LeadEvent = typeof leadEvents.$inferSelect;
