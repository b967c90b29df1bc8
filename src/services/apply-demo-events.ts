import { sql } from 'drizzle-orm';
import type { Transaction } from '../db/client';
import { demoBookings } from '../db/schema';
import type { DemoBooking, HostRef } from '../domain/demo-booking';
import { formatInZone } from '../domain/zoned-time';
import type { DeliveryRequest } from '../fanout/types';
import type { ApplyContext } from '../queues/apply-context';
import type { DemoBookedEvent, DemoCancelledEvent, DemoEvent, DemoReminderDueEvent, DemoRescheduledEvent } from '../queues/demo-events';
import { demoEmailData, inviteEmails } from './demo-invites';
import { AlreadyApplied, appendLeadEvent, upsertLead } from './record-lead-event';
import { salesNotificationRequest } from './sales-notification-request';

const LEAD_EVENT_TYPE: Record<DemoEvent['type'], string> = {
  'demo.booked': 'demo_booked',
  'demo.cancelled': 'demo_cancelled',
  'demo.rescheduled': 'demo_rescheduled',
  'demo.reminder_due': 'demo_reminder_sent',
};

/**
 * The parts every demo change shares: the lead (as captured when booking — older than anything newer
 * the lead has, so it only fills gaps), one history entry per change, and the mirror row.
 */
async function record(tx: Transaction, event: DemoEvent, extra: Record<string, unknown> = {}): Promise<string> {
  const { booking } = event;
  const leadId = await upsertLead(tx, booking.contact, event.type === 'demo.booked' ? event.occurred_at : booking.created_at);
  const fresh = await appendLeadEvent(tx, {
    id: event.id,
    leadId,
    type: LEAD_EVENT_TYPE[event.type],
    source: 'demo_request',
    payload: { booking_id: booking.id, host_id: booking.host_id, start: booking.start, end: booking.end, status: booking.status, sequence: booking.sequence, visitor_time_zone: booking.visitor_time_zone, ...extra },
    occurredAt: event.occurred_at,
    requestId: event.request_id,
  });
  // A redelivered event: the savepoint rolls back, nothing is written or sent twice.
  if (!fresh) throw new AlreadyApplied(event.id);
  if (event.type !== 'demo.reminder_due') await mirror(tx, booking, leadId, event.occurred_at);
  return leadId;
}

/** Queue order is not guaranteed: the mirror keeps the highest SEQUENCE it has seen. */
async function mirror(tx: Transaction, b: DemoBooking, leadId: string, at: string): Promise<void> {
  const row = {
    id: b.id,
    leadId,
    hostId: b.host_id,
    startsAt: new Date(b.start),
    endsAt: new Date(b.end),
    status: b.status,
    sequence: b.sequence,
    visitorTimeZone: b.visitor_time_zone,
    notes: b.notes ?? null,
    bookedAt: new Date(b.created_at),
    cancelledAt: b.status === 'cancelled' ? new Date(at) : null,
  };
  await tx
    .insert(demoBookings)
    .values(row)
    .onConflictDoUpdate({
      target: demoBookings.id,
      set: { startsAt: row.startsAt, endsAt: row.endsAt, status: row.status, sequence: row.sequence, cancelledAt: row.cancelledAt, updatedAt: sql`now()` },
      setWhere: sql`${demoBookings.sequence} < excluded.sequence`,
    });
}

export async function applyDemoBooked(tx: Transaction, event: DemoBookedEvent, ctx: ApplyContext): Promise<DeliveryRequest[]> {
  const { booking, host } = event;
  const leadId = await record(tx, event, { notes: booking.notes ?? null });
  return [
    ...inviteEmails(booking, host, leadId, { template: 'demo_invite', method: 'REQUEST' }),
    salesNotificationRequest(ctx.config, {
      leadId,
      contact: booking.contact,
      source: 'demo_request',
      submission: {
        booking_id: booking.id,
        demo_start: booking.start,
        demo_end: booking.end,
        host: host.name,
        host_local_start: formatInZone(Date.parse(booking.start), host.time_zone),
        visitor_time_zone: booking.visitor_time_zone,
        notes: booking.notes ?? null,
      },
    }),
  ];
}

export async function applyDemoCancelled(tx: Transaction, event: DemoCancelledEvent): Promise<DeliveryRequest[]> {
  const leadId = await record(tx, event);
  return inviteEmails(event.booking, event.host, leadId, { template: 'demo_cancelled', method: 'CANCEL' });
}

export async function applyDemoRescheduled(tx: Transaction, event: DemoRescheduledEvent): Promise<DeliveryRequest[]> {
  const leadId = await record(tx, event, { previous_start: event.previous_start });
  return inviteEmails(event.booking, event.host, leadId, { template: 'demo_invite', method: 'REQUEST', extra: { updated: true, previous_start: event.previous_start } });
}

/** The reminder: an email to the prospect, and a text when they consented to SMS and gave a number. */
export async function applyDemoReminderDue(tx: Transaction, event: DemoReminderDueEvent): Promise<DeliveryRequest[]> {
  const { booking, host } = event;
  const leadId = await record(tx, event);
  const contact = booking.contact;
  const requests: DeliveryRequest[] = [
    {
      destination: 'email',
      key: 'demo_reminder',
      leadId,
      payload: { template: 'demo_reminder', to: [{ email: contact.email, ...(contact.name ? { name: contact.name } : {}) }], data: demoEmailData(booking, host as HostRef, 'prospect') },
    },
  ];
  if (contact.consent?.sms && contact.phone) {
    const local = formatInZone(Date.parse(booking.start), booking.visitor_time_zone);
    requests.push({
      destination: 'sms',
      key: 'demo_reminder',
      leadId,
      payload: { to: contact.phone, body: `Reminder: your demo with ${host.name} starts at ${local.slice(11, 16)} (${booking.visitor_time_zone}). To reschedule: ${booking.reschedule_url}` },
    });
  }
  return requests;
}

export const DEMO_APPLIERS = {
  'demo.booked': applyDemoBooked,
  'demo.cancelled': applyDemoCancelled,
  'demo.rescheduled': applyDemoRescheduled,
  'demo.reminder_due': applyDemoReminderDue,
} as const;
