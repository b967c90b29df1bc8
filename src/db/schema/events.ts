import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { leads } from './leads';
import { workspaceId } from './workspaces';

export const EVENT_STATES = ['stored', 'failed'] as const;
export type EventState = (typeof EVENT_STATES)[number];

/**
 * The ledger of the events queue: one row per event the consumer has finished with, written in the
 * same transaction as what the event changed. It is what makes the consumer idempotent (an event whose
 * row says `stored` is never applied again) and what GET /api/v1/events/{id} reads: no row yet means
 * the event is still queued. A `failed` event keeps its body and the reason, and can be replayed.
 */
export const events = pgTable(
  'events',
  {
    id: uuid('id').primaryKey(),
    workspaceId: workspaceId(),
    type: text('type').notNull(),
    state: text('state').$type<EventState>().notNull(),
    leadId: uuid('lead_id').references(() => leads.id, { onDelete: 'set null' }),
    reason: text('reason'),
    /** The message as it was queued, kept only while the event is failed (so it can be replayed). */
    body: jsonb('body').$type<unknown>(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('events_lead_id_idx').on(t.leadId), index('events_state_idx').on(t.state, t.id)],
);

export type EventRow = typeof events.$inferSelect;
