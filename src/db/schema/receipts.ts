import { pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { workspaceId } from './workspaces';

/**
 * Numbers that must get no more SMS: Twilio answered 21610 (the recipient replied STOP) on a send or in
 * a status callback. Kept as the SHA-256 of the E.164 number, never in clear: the list only has to
 * answer "is this number stopped?" for a number the caller already holds.
 */
export const smsStopList = pgTable(
  'sms_stop_list',
  {
    workspaceId: workspaceId(),
    /** Hex SHA-256 of the number in E.164. */
    numberHash: text('number_hash').notNull(),
    /** What said so, e.g. "twilio 21610 on send". */
    reason: text('reason').notNull(),
    /** The delivery that found out. */
    deliveryId: uuid('delivery_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.numberHash] })],
);

/**
 * Every SendGrid event applied, by its `sg_event_id`: a batch SendGrid delivers again finds its events
 * here and changes nothing.
 */
export const sendgridEvents = pgTable(
  'sendgrid_events',
  {
    workspaceId: workspaceId(),
    sgEventId: text('sg_event_id').notNull(),
    /** delivered, bounce, open, … */
    event: text('event').notNull(),
    /** The X-Message-Id part of `sg_message_id`: the email delivery's provider reference. */
    messageId: text('message_id'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.sgEventId] })],
);
