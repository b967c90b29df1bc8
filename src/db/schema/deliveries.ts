import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { leads } from './leads';
import { workspaceId } from './workspaces';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'skipped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * What the provider reported after it accepted a delivery (services/delivery-receipts.ts): for an SMS
 * Twilio's status callback (sent, then delivered, undelivered or failed), for an email SendGrid's event
 * webhook (deferred, then delivered, bounced or dropped, then opened).
 */
export const RECEIPT_STATUSES = ['sent', 'delivered', 'undelivered', 'failed', 'deferred', 'bounced', 'dropped', 'opened'] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

/**
 * The outbox and delivery ledger: one row per (event, destination, key), written in the same
 * transaction as the event, so nothing accepted can be forgotten by the fan-out.
 */
export const deliveries = pgTable(
  'deliveries',
  {
    id: uuid('id').primaryKey(),
    workspaceId: workspaceId(),
    eventId: uuid('event_id').notNull(),
    leadId: uuid('lead_id').references(() => leads.id, { onDelete: 'cascade' }),
    /** email | crm | webhook | sms */
    destination: text('destination').notNull(),
    /** Which one: the email template ("sales_notification"), the CRM ("hubspot"), … */
    key: text('key').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status').$type<DeliveryStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    lastStatusCode: integer('last_status_code'),
    /** Set while one consumer is calling the provider, so a duplicate queue message does not send twice. */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    enqueuedAt: timestamp('enqueued_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    providerReference: text('provider_reference'),
    /** The provider's latest word on it after accepting it (null until one came); never moves backwards. */
    receiptStatus: text('receipt_status').$type<ReceiptStatus>(),
    receiptAt: timestamp('receipt_at', { withTimezone: true }),
    /** Why, when the receipt is a failure: the Twilio error code, SendGrid's bounce or drop reason. */
    receiptDetail: text('receipt_detail'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('deliveries_event_destination_key').on(t.eventId, t.destination, t.key),
    index('deliveries_status_next_attempt_idx').on(t.status, t.nextAttemptAt),
    index('deliveries_lead_id_idx').on(t.leadId),
    index('deliveries_destination_status_idx').on(t.destination, t.status),
    // Receipts find their delivery by the provider's id of it (Twilio's Message SID, SendGrid's X-Message-Id).
    index('deliveries_destination_reference_idx').on(t.destination, t.providerReference).where(sql`provider_reference IS NOT NULL`),
  ],
);

/** One row per call to a provider: the history behind `deliveries.attempts`. */
export const deliveryAttempts = pgTable(
  'delivery_attempts',
  {
    id: uuid('id').primaryKey(),
    workspaceId: workspaceId(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => deliveries.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    outcome: text('outcome').notNull(),
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('delivery_attempts_delivery_id_idx').on(t.deliveryId, t.attempt)],
);

export type Delivery = typeof deliveries.$inferSelect;
export type DeliveryAttempt = typeof deliveryAttempts.$inferSelect;
