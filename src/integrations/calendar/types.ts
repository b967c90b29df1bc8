import type { Interval } from '../../domain/availability';

/** The host's calendar copy of a booking. */
export interface CalendarEvent {
  booking_id: string;
  start: number;
  end: number;
  summary: string;
  description: string;
  attendee: { email: string; name?: string };
}

/**
 * A host's calendar: when they are busy elsewhere, and where their demos are written. The built-in
 * schedule (config only) knows of nothing else and writes nowhere; Google Calendar does both.
 */
export interface HostCalendar {
  readonly kind: 'schedule' | 'google';
  busy(from: number, to: number): Promise<Interval[]>;
  /** Creates or moves the event for this booking (idempotent: the booking id names the event). */
  saveEvent(event: CalendarEvent): Promise<void>;
  removeEvent(bookingId: string): Promise<void>;
}
