import { index, integer, jsonb, numeric, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { leads } from './leads';
import { workspaceId } from './workspaces';

/** Every ROI calculation, anonymous or not (id = the event id). */
export const calculatorSubmissions = pgTable(
  'calculator_submissions',
  {
    id: uuid('id').primaryKey(),
    workspaceId: workspaceId(),
    leadId: uuid('lead_id').references(() => leads.id, { onDelete: 'set null' }),
    industry: text('industry').notNull(),
    customerCount: integer('customer_count').notNull(),
    avgRevenue: numeric('avg_revenue', { precision: 14, scale: 2 }).notNull(),
    churnRate: numeric('churn_rate', { precision: 6, scale: 3 }).notNull(),
    currency: text('currency').notNull().default('USD'),
    result: jsonb('result').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('calculator_submissions_lead_id_idx').on(t.leadId)],
);

/** Gated content handed out (id = the event id). */
export const contentDownloads = pgTable(
  'content_downloads',
  {
    id: uuid('id').primaryKey(),
    workspaceId: workspaceId(),
    leadId: uuid('lead_id')
      .notNull()
      .references(() => leads.id, { onDelete: 'cascade' }),
    assetSlug: text('asset_slug').notNull(),
    linkExpiresAt: timestamp('link_expires_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('content_downloads_lead_id_idx').on(t.leadId)],
);
