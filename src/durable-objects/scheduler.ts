import { DurableObject } from 'cloudflare:workers';
import { loadConfig } from '../config';
import { freeSlots, nearestSlots, type Interval } from '../domain/availability';
import type { DemoBooking } from '../domain/demo-booking';
import { derivedEventId, hostRef } from '../domain/demo-booking';
import type { DemoHost } from '../domain/demo-hosts';
import { calendarFor } from '../integrations/calendar';
import { logger } from '../logger';
import type { DemoReminderDueEvent } from '../queues/demo-events';
import { BookingStore, type BookingRow } from './scheduler-store';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Where the nearest free slots are looked for when a slot is taken (the caller's busy times cover it). */
export function searchWindow(wanted: number, now: number): Interval {
  return { start: Math.max(now, wanted - 2 * DAY), end: wanted + 7 * DAY };
}

export type NewBooking = Omit<DemoBooking, 'start' | 'end' | 'status' | 'sequence' | 'host_id'>;

export type BookResult = { ok: true; booking: DemoBooking } | { ok: false; nearest: Interval[] };
export type CancelResult =
  | { state: 'cancelled'; booking: DemoBooking }
  | { state: 'already_cancelled'; booking: DemoBooking }
  | { state: 'not_found' }
  | { state: 'too_late'; booking: DemoBooking };
export type RescheduleResult =
  | { state: 'rescheduled'; booking: DemoBooking; previous_start: string }
  | { state: 'taken'; nearest: Interval[]; visitor_time_zone: string }
  | { state: 'not_found' }
  | { state: 'cancelled' }
  | { state: 'too_late'; booking: DemoBooking };

export interface SlotRequest {
  host: DemoHost;
  start: number;
  now: number;
  /** The host's busy times elsewhere over searchWindow(start, now). */
  busy: Interval[];
}

/**
 * One instance per host calendar. It owns that host's bookings: every decision (is this slot free? take
 * it) runs inside one method with no await between the check and the write, and the runtime runs one
 * request at a time per object — so N concurrent requests for one slot yield exactly one booking.
 * Its alarm sends each booking's reminder once and writes the host's calendar (Google) with retries.
 */
export class Scheduler extends DurableObject<Env> {
  private readonly store: BookingStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new BookingStore(ctx.storage.sql);
  }

  async availability(input: { host: DemoHost; from: number; to: number; now: number; busy: Interval[] }): Promise<Interval[]> {
    return freeSlots({ schedule: input.host, from: input.from, to: input.to, now: input.now, busy: input.busy, booked: this.store.confirmedIntervals(input.now) });
  }

  /** Upcoming confirmed demos: the load used to share duty between hosts. */
  async upcomingCount(now: number): Promise<number> {
    return this.store.upcomingCount(now);
  }

  async book(input: SlotRequest & { booking: NewBooking; reminderMinutes: number }): Promise<BookResult> {
    const { host, start, now } = input;
    const booked = this.store.confirmedIntervals(now);
    const slot = this.slotIfFree(input, booked);
    if (!slot) return { ok: false, nearest: this.nearest(input, booked) };
    const booking: DemoBooking = {
      ...input.booking,
      host_id: host.id,
      start: new Date(slot.start).toISOString(),
      end: new Date(slot.end).toISOString(),
      status: 'confirmed',
      sequence: 0,
    };
    this.store.saveHost(host);
    this.store.insert(booking, slot.start - input.reminderMinutes * MINUTE, this.needsCalendar(host) ? 'save' : null, now);
    await this.scheduleAlarm(now);
    return { ok: true, booking };
  }

  async cancel(input: { bookingId: string; now: number; minNoticeMinutes: number }): Promise<CancelResult> {
    const row = this.store.get(input.bookingId);
    if (!row) return { state: 'not_found' };
    if (row.booking.status === 'cancelled') return { state: 'already_cancelled', booking: row.booking };
    if (Date.parse(row.booking.start) - input.now < input.minNoticeMinutes * MINUTE) return { state: 'too_late', booking: row.booking };
    const booking: DemoBooking = { ...row.booking, status: 'cancelled', sequence: row.booking.sequence + 1 };
    const host = this.store.host();
    this.store.update(booking, null, host && this.needsCalendar(host) ? 'remove' : null, input.now);
    await this.scheduleAlarm(input.now);
    return { state: 'cancelled', booking };
  }

  /** Moves a booking to another slot of the same host in one step: the old slot is freed only if the new one is taken. */
  async reschedule(input: SlotRequest & { bookingId: string; minNoticeMinutes: number; reminderMinutes: number }): Promise<RescheduleResult> {
    const row = this.store.get(input.bookingId);
    if (!row) return { state: 'not_found' };
    if (row.booking.status === 'cancelled') return { state: 'cancelled' };
    if (Date.parse(row.booking.start) - input.now < input.minNoticeMinutes * MINUTE) return { state: 'too_late', booking: row.booking };
    const booked = this.store.confirmedIntervals(input.now, input.bookingId);
    const slot = this.slotIfFree(input, booked);
    if (!slot) return { state: 'taken', nearest: this.nearest(input, booked), visitor_time_zone: row.booking.visitor_time_zone };
    const booking: DemoBooking = {
      ...row.booking,
      start: new Date(slot.start).toISOString(),
      end: new Date(slot.end).toISOString(),
      sequence: row.booking.sequence + 1,
    };
    this.store.saveHost(input.host);
    this.store.update(booking, slot.start - input.reminderMinutes * MINUTE, this.needsCalendar(input.host) ? 'save' : null, input.now);
    await this.scheduleAlarm(input.now);
    return { state: 'rescheduled', booking, previous_start: row.booking.start };
  }

  /** Undoes a booking whose event could not be queued (nobody was told about it). */
  async discard(bookingId: string): Promise<void> {
    this.store.remove(bookingId);
    await this.scheduleAlarm(Date.now());
  }

  async listBookings(input: { from?: number; includeCancelled?: boolean } = {}): Promise<DemoBooking[]> {
    return this.store.list(input.from ?? 0, input.includeCancelled ?? false).map((r) => r.booking);
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    const config = loadConfig(this.env);
    const host = this.store.host();
    for (const row of this.store.dueReminders(now)) await this.sendReminder(row, host, now);
    if (host) {
      const calendar = calendarFor(host, config);
      for (const row of this.store.dueCalendarWrites(now)) {
        try {
          if (row.calendar_sync === 'remove') await calendar.removeEvent(row.booking.id);
          else await calendar.saveEvent({
            booking_id: row.booking.id,
            start: Date.parse(row.booking.start),
            end: Date.parse(row.booking.end),
            summary: `Demo with ${row.booking.contact.name ?? row.booking.contact.company ?? 'a prospect'}`,
            description: row.booking.notes ?? '',
            attendee: { email: row.booking.contact.email, name: row.booking.contact.name },
          });
          this.store.calendarWritten(row.booking.id);
        } catch (err) {
          logger.warn('scheduler.calendar_write_failed', { booking_id: row.booking.id, attempts: row.calendar_attempts + 1, error: String(err) });
          this.store.calendarWriteFailed(row.booking.id, now + Math.min(3600, 30 * 2 ** row.calendar_attempts) * 1000);
        }
      }
    }
    await this.scheduleAlarm(now);
  }

  /** The reminder goes out through the events queue; its event id is derived from (booking, sequence), so a retried alarm cannot send it twice. */
  private async sendReminder(row: BookingRow, host: DemoHost | null, now: number): Promise<void> {
    const event: DemoReminderDueEvent = {
      id: await derivedEventId(`demo.reminder_due:${row.booking.id}:${row.booking.sequence}`),
      type: 'demo.reminder_due',
      occurred_at: new Date(now).toISOString(),
      request_id: `alarm:${row.booking.id}`,
      booking: row.booking,
      host: host ? hostRef(host) : { id: row.booking.host_id, name: row.booking.host_id, email: 'unknown@invalid', time_zone: 'UTC' },
    };
    await this.env.EVENTS_QUEUE.send(event, { contentType: 'json' });
    this.store.reminderSent(row.booking.id, now);
  }

  private slotIfFree(input: SlotRequest, booked: Interval[]): Interval | undefined {
    const candidates = freeSlots({ schedule: input.host, from: input.start, to: input.start + 1, now: input.now, busy: input.busy, booked });
    return candidates.find((s) => s.start === input.start);
  }

  private nearest(input: SlotRequest, booked: Interval[]): Interval[] {
    const w = searchWindow(input.start, input.now);
    const free = freeSlots({ schedule: input.host, from: w.start, to: w.end, now: input.now, busy: input.busy, booked });
    return nearestSlots(free, input.start);
  }

  private needsCalendar(host: DemoHost): boolean {
    return calendarFor(host, loadConfig(this.env)).kind !== 'schedule';
  }

  private async scheduleAlarm(now: number): Promise<void> {
    const next = this.store.nextDue();
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(Math.max(next, now));
  }
}

/** The Scheduler of one host calendar. */
export function schedulerFor(ns: DurableObjectNamespace<Scheduler>, hostId: string) {
  return ns.get(ns.idFromName(`host:${hostId}`));
}
