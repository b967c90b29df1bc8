import type { DemoBooking, HostRef } from '../domain/demo-booking';

interface DemoEnvelope<T extends string> {
  /** UUID of this change: the lead event's id and the deliveries' event id. */
  id: string;
  type: T;
  occurred_at: string;
  request_id: string;
  /** The booking as the host's Scheduler holds it after the change (contact, links, SEQUENCE…). */
  booking: DemoBooking;
  host: HostRef;
}

/** A demo was booked: lead upserted, history entry, mirror row, invites to both sides, note to sales. */
export type DemoBookedEvent = DemoEnvelope<'demo.booked'>;
/** A demo was cancelled by its link: METHOD:CANCEL invites with the same UID. */
export type DemoCancelledEvent = DemoEnvelope<'demo.cancelled'>;
/** A demo was moved: updated invites (same UID, SEQUENCE + 1). */
export interface DemoRescheduledEvent extends DemoEnvelope<'demo.rescheduled'> {
  previous_start: string;
}
/** The Scheduler's alarm: the reminder is due (id derived from booking and SEQUENCE, so sent once). */
export type DemoReminderDueEvent = DemoEnvelope<'demo.reminder_due'>;

export type DemoEvent = DemoBookedEvent | DemoCancelledEvent | DemoRescheduledEvent | DemoReminderDueEvent;
