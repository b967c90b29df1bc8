import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { leads } from './leads';
import { workspaceId } from './workspaces';

/**
 * Reporting mirror of the demo bookings. The hosts' Scheduler Durable Objects decide and own bookings;
 * this table follows them through the events queue (a newer SEQUENCE wins), so it may lag by seconds.
 */
export const demoBookings = pgTable(
  'demo_bookings',
  {
    id: uuid('id').primaryKey(),
    workspaceId: workspaceId(),
    leadId: uuid('lead_id').references(() => leads.id, { onDelete: 'cascade' }),
    hostId: text('host_id').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    /** confirmed | cancelled */
    status: text('status').notNull(),
    sequence: integer('sequence').notNull(),
    visitorTimeZone: text('visitor_time_zone').notNull(),
    notes: text('notes'),
    bookedAt: timestamp('booked_at', { withTimezone: true }).notNull(),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('demo_bookings_starts_at_idx').on(t.startsAt),
    index('demo_bookings_lead_id_idx').on(t.leadId),
    index('demo_bookings_host_id_idx').on(t.hostId, t.startsAt),
  ],
);

export type DemoBookingRow = typeof demoBookings.$inferSelect;
