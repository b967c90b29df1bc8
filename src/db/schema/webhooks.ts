import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { leads } from './leads';
import { workspaceId } from './workspaces';

export const WEBHOOK_OUTCOMES = ['pending', 'applied', 'ignored', 'unknown_lead', 'failed'] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

/**
 * Every inbound CRM webhook, verified or not. A verified delivery id is stored once per provider
 * (the partial unique index), which is what makes a provider's retry a no-op. Rejected calls keep
 * their reason but never their body: an unauthenticated caller must not be able to store data.
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: uuid('id').primaryKey(),
    workspaceId: workspaceId(),
    provider: text('provider').notNull(),
    /** The provider's id of the delivery (null for rejected calls: it was not authenticated). */
    deliveryId: text('delivery_id'),
    verified: boolean('verified').notNull(),
    rejectionReason: text('rejection_reason'),
    payload: jsonb('payload').$type<unknown>(),
    outcome: text('outcome').$type<WebhookOutcome>().notNull().default('pending'),
    outcomeDetail: text('outcome_detail'),
    leadId: uuid('lead_id').references(() => leads.id, { onDelete: 'set null' }),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    appliedAt: timestamp('applied_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('webhook_events_workspace_provider_delivery_key').on(t.workspaceId, t.provider, t.deliveryId).where(sql`verified`),
    index('webhook_events_provider_idx').on(t.provider, t.id),
    index('webhook_events_outcome_idx').on(t.outcome, t.id),
  ],
);

export type WebhookEvent = typeof webhookEvents.$inferSelect;
