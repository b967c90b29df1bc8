import { integer, numeric, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { workspaceId } from './workspaces';

/**
 * The ROI calculator's numbers per industry, editable by marketing through the admin API
 * (PUT /api/v1/benchmarks/{industry}). Seeded with documented defaults by the `benchmarks_seed` migration.
 */
export const industryBenchmarks = pgTable(
  'industry_benchmarks',
  {
    workspaceId: workspaceId(),
    /** One of INDUSTRIES in src/domain/roi.ts. */
    industry: text('industry').notNull(),
    /** Share of monthly churn the product prevents, in percent. */
    expectedChurnReductionPercent: numeric('expected_churn_reduction_percent', { precision: 5, scale: 2, mode: 'number' }).notNull(),
    /** One-off cost of the roll-out, in the prospect's currency (no conversion). */
    implementationCost: numeric('implementation_cost', { precision: 14, scale: 2, mode: 'number' }).notNull(),
    /** Whole months before any saving starts. */
    timeToValueMonths: integer('time_to_value_months').notNull(),
    /** Where the numbers come from, for whoever edits them next. */
    source: text('source'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.industry] })],
);

export type IndustryBenchmarkRow = typeof industryBenchmarks.$inferSelect;
