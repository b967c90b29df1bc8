import { DurableObject } from 'cloudflare:workers';
import { loadConfig } from '../config';
import { freeSlots, type Interval, nearestSlots } from '../domain/availability';
import { backoffSeconds } from '../domain/backoff';
import type { DemoBooking, HostRef } from '../domain/demo-booking';
import { derivedEventId, hostRef } from '../domain/demo-booking';
import type { DemoHost } from '../domain/demo-hosts';
import { DEFAULT_WORKSPACE_ID, workspaceObjectName } from '../domain/workspace';
import { calendarFor } from '../integrations/calendar';
import { describeError, logger } from '../logger';
import type { DemoEvent, DemoReminderDueEvent } from '../messages/events';
import { publishEvents } from '../messages/publish';
import { type BookingRow, BookingStore, type UnsentEvent } from './scheduler-store';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Where the nearest free slots are looked for when a slot is taken (the caller's busy times cover it). */
export function searchWindow(wanted: number, now: number): Interval {
  return { start: Math.max(now, wanted - 2 * DAY), end: wanted + 7 * DAY };
}

/** The id of a demo event: the booking's id for `demo.booked`, else derived from (type, booking, SEQUENCE), so a resend is applied once. */
export async function eventIdOf(e: { type: DemoEvent['type']; booking: DemoEvent['booking'] }): Promise<string> {
  return e.type === 'demo.booked' ? e.booking.id : derivedEventId(`${e.type}:${e.booking.id}:${e.booking.sequence}`);
}

/** Retry delay, in ms, after `attempts` earlier failures and this one: 30 s doubling, at most an hour. */
const backoff = (attempts: number) => backoffSeconds(attempts + 2, { baseSeconds: 15, maxSeconds: 3600 }) * 1000;

/** Busy times with `own` cut out (a booking being moved must not block itself through the host's calendar). */
export function withoutInterval(busy: Interval[], own: Interval): Interval[] {
  const out: Interval[] = [];
  for (const b of busy) {
    if (b.end <= own.start || own.end <= b.start) out.push(b);
    else {
      if (b.start < own.start) out.push({ start: b.start, end: own.start });
      if (own.end < b.end) out.push({ start: own.end, end: b.end });
    }
  }
  return out;
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
  /** The workspace the host belongs to (each workspace's hosts have Schedulers of their own). */
  workspaceId: string;
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
 *
 * It also owns the events that announce those changes (invites, CANCEL, mirror rows): each change
 * stores its event in the booking row's outbox in the same synchronous step, the method queues it
 * before answering and clears it only once queued, and the alarm retries whatever is left (event ids
 * are derived from booking and SEQUENCE, so a resend is applied once). Its alarm also sends each
 * booking's reminder once and writes the host's calendar (Google) with retries.
 */
export class Scheduler extends DurableObject<Env> {
  private readonly store: BookingStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new BookingStore(ctx.storage.sql);
  }

  async availability(input: { host: DemoHost; from: number; to: number; now: number; busy: Interval[] }): Promise<Interval[]> {
    return freeSlots({
      schedule: input.host,
      from: input.from,
      to: input.to,
      now: input.now,
      busy: input.busy,
      booked: this.store.confirmedIntervals(input.now),
    });
  }

  /** Upcoming confirmed demos: the load used to share duty between hosts. */
  async upcomingCount(now: number): Promise<number> {
    return this.store.upcomingCount(now);
  }

  async book(input: SlotRequest & { booking: NewBooking; reminderMinutes: number; requestId?: string }): Promise<BookResult> {
    const { host, now } = input;
    // The same booking id again (a retried request): what was booked stands, and is not booked twice.
    const existing = this.store.get(input.booking.id);
    if (existing) {
      await this.flush(existing.booking.id);
      return { ok: true, booking: existing.booking };
    }
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
    this.saveWorkspace(input.workspaceId);
    const event: UnsentEvent = {
      type: 'demo.booked',
      occurred_at: booking.created_at,
      request_id: input.requestId ?? `scheduler:${booking.id}`,
      workspace_id: input.workspaceId,
      booking,
      host: hostRef(host),
    };
    this.store.saveHost(host);
    this.store.insert(booking, slot.start - input.reminderMinutes * MINUTE, this.needsCalendar(host) ? 'save' : null, now, event);
    await this.scheduleAlarm(now);
    await this.flush(booking.id);
    return { ok: true, booking };
  }

  async cancel(input: { bookingId: string; now: number; minNoticeMinutes: number; requestId?: string; host?: HostRef }): Promise<CancelResult> {
    const row = this.store.get(input.bookingId);
    if (!row) return { state: 'not_found' };
    if (row.booking.status === 'cancelled') {
      // A repeated cancel also retries an announcement still waiting in the outbox.
      await this.flush(row.booking.id);
      return { state: 'already_cancelled', booking: row.booking };
    }
    if (Date.parse(row.booking.start) - input.now < input.minNoticeMinutes * MINUTE) return { state: 'too_late', booking: row.booking };
    const booking = this.cancelRow(row, input.now, input.requestId, input.host);
    await this.scheduleAlarm(input.now);
    await this.flush(booking.id);
    return { state: 'cancelled', booking };
  }

  /** Moves a booking to another slot of the same host in one step: the old slot is freed only if the new one is taken. */
  async reschedule(
    input: SlotRequest & { bookingId: string; minNoticeMinutes: number; reminderMinutes: number; requestId?: string },
  ): Promise<RescheduleResult> {
    const row = this.store.get(input.bookingId);
    if (!row) return { state: 'not_found' };
    if (row.booking.status === 'cancelled') return { state: 'cancelled' };
    if (Date.parse(row.booking.start) - input.now < input.minNoticeMinutes * MINUTE) return { state: 'too_late', booking: row.booking };
    const booked = this.store.confirmedIntervals(input.now, input.bookingId);
    // The host's calendar shows this very demo as busy: it must not stand in the way of its own move.
    const request = { ...input, busy: withoutInterval(input.busy, { start: Date.parse(row.booking.start), end: Date.parse(row.booking.end) }) };
    const slot = this.slotIfFree(request, booked);
    if (!slot) return { state: 'taken', nearest: this.nearest(request, booked), visitor_time_zone: row.booking.visitor_time_zone };
    const booking: DemoBooking = {
      ...row.booking,
      start: new Date(slot.start).toISOString(),
      end: new Date(slot.end).toISOString(),
      sequence: row.booking.sequence + 1,
    };
    this.saveWorkspace(input.workspaceId);
    const event: UnsentEvent = {
      type: 'demo.rescheduled',
      occurred_at: new Date(input.now).toISOString(),
      request_id: input.requestId ?? `scheduler:${booking.id}`,
      workspace_id: input.workspaceId,
      booking,
      host: hostRef(input.host),
      previous_start: row.booking.start,
    };
    this.store.saveHost(input.host);
    // A chatbot booking keeps its own reminder lead time (the day before) when it is moved.
    const reminderMinutes = row.booking.chatbot?.reminder_minutes ?? input.reminderMinutes;
    this.store.update(booking, slot.start - reminderMinutes * MINUTE, this.needsCalendar(input.host) ? 'save' : null, input.now, event);
    await this.scheduleAlarm(input.now);
    await this.flush(booking.id);
    return { state: 'rescheduled', booking, previous_start: row.booking.start };
  }

  /** One booking of this host, confirmed or cancelled; null if it is not this host's. */
  async booking(id: string): Promise<DemoBooking | null> {
    return this.store.get(id)?.booking ?? null;
  }

  async listBookings(input: { from?: number; includeCancelled?: boolean } = {}): Promise<DemoBooking[]> {
    return this.store.list(input.from ?? 0, input.includeCancelled ?? false).map((r) => r.booking);
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    try {
      for (const id of this.store.duePending(now)) await this.flush(id, now);
      const host = this.store.host();
      for (const row of this.store.dueReminders(now)) {
        try {
          await this.sendReminder(row, host, now);
        } catch (err) {
          logger.warn('scheduler.reminder_failed', { booking_id: row.booking.id, attempts: row.reminder_attempts + 1, error: describeError(err) });
          this.store.reminderFailed(row.booking.id, row.booking.sequence, now + backoff(row.reminder_attempts));
        }
      }
      if (host) await this.writeCalendar(host, now);
    } finally {
      // Whatever failed above, the alarm comes back for what is left.
      await this.scheduleAlarm(now);
    }
  }

  private cancelRow(row: BookingRow, now: number, requestId?: string, host?: HostRef): DemoBooking {
    const booking: DemoBooking = { ...row.booking, status: 'cancelled', sequence: row.booking.sequence + 1 };
    const stored = this.store.host();
    const event: UnsentEvent = {
      type: 'demo.cancelled',
      occurred_at: new Date(now).toISOString(),
      request_id: requestId ?? `scheduler:${booking.id}`,
      workspace_id: this.workspaceId(),
      booking,
      host: host ?? (stored ? hostRef(stored) : unknownHost(booking.host_id)),
    };
    this.store.update(booking, null, stored && this.needsCalendar(stored) ? 'remove' : null, now, event);
    return booking;
  }

  /** Queues the booking's unsent events; on failure they stay for the alarm, with backoff. */
  private async flush(id: string, now = Date.now()): Promise<boolean> {
    const pending = this.store.pending(id);
    if (!pending) return true;
    let sent = false;
    try {
      await this.sendEvents(pending.events);
      this.store.pendingSent(id, pending.raw);
      sent = true;
    } catch (err) {
      logger.warn('scheduler.event_send_failed', { booking_id: id, attempts: pending.attempts + 1, error: describeError(err) });
      this.store.pendingFailed(id, now + backoff(pending.attempts));
    }
    // The alarm was set for this event's retry: move it to whatever is due next.
    await this.scheduleAlarm(now);
    return sent;
  }

  private async sendEvents(events: UnsentEvent[]): Promise<void> {
    const messages = await Promise.all(events.map(async (e) => ({ ...e, id: await eventIdOf(e) }) as DemoEvent));
    await publishEvents({ env: this.env, core: loadConfig(this.env).core }, messages);
  }

  private async writeCalendar(host: DemoHost, now: number): Promise<void> {
    const calendar = calendarFor(host, loadConfig(this.env));
    for (const row of this.store.dueCalendarWrites(now)) {
      try {
        if (row.calendar_sync === 'remove') await calendar.removeEvent(row.booking.id);
        else
          await calendar.saveEvent({
            booking_id: row.booking.id,
            start: Date.parse(row.booking.start),
            end: Date.parse(row.booking.end),
            summary: `Demo with ${row.booking.contact.name ?? row.booking.contact.company ?? 'a prospect'}`,
            description: row.booking.notes ?? '',
            attendee: { email: row.booking.contact.email, name: row.booking.contact.name },
          });
        this.store.calendarWritten(row.booking.id, row.booking.sequence);
      } catch (err) {
        logger.warn('scheduler.calendar_write_failed', { booking_id: row.booking.id, attempts: row.calendar_attempts + 1, error: describeError(err) });
        this.store.calendarWriteFailed(row.booking.id, row.booking.sequence, now + backoff(row.calendar_attempts));
      }
    }
  }

  /** The reminder goes out through the events queue; its event id is derived from (booking, sequence), so a retried alarm cannot send it twice. */
  private async sendReminder(row: BookingRow, host: DemoHost | null, now: number): Promise<void> {
    const event: DemoReminderDueEvent = {
      id: await eventIdOf({ type: 'demo.reminder_due', booking: row.booking }),
      type: 'demo.reminder_due',
      occurred_at: new Date(now).toISOString(),
      request_id: `alarm:${row.booking.id}`,
      workspace_id: this.workspaceId(),
      booking: row.booking,
      host: host ? hostRef(host) : unknownHost(row.booking.host_id),
    };
    await publishEvents({ env: this.env, core: loadConfig(this.env).core }, [event]);
    this.store.reminderSent(row.booking.id, row.booking.sequence, now);
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

  /** The workspace whose host this is: kept with the bookings, for the events the alarm sends alone. */
  private saveWorkspace(id: string): void {
    if (this.ctx.storage.kv.get('workspace_id') !== id) this.ctx.storage.kv.put('workspace_id', id);
  }

  /** Objects that took bookings before workspaces existed serve the default workspace. */
  private workspaceId(): string {
    return (this.ctx.storage.kv.get('workspace_id') as string | undefined) ?? DEFAULT_WORKSPACE_ID;
  }

  private async scheduleAlarm(now: number): Promise<void> {
    const next = this.store.nextDue();
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(Math.max(next, now));
  }
}

const unknownHost = (id: string): HostRef => ({ id, name: id, email: 'unknown@invalid', time_zone: 'UTC' });

/** The Scheduler of one host calendar of one workspace. */
export function schedulerFor(ns: DurableObjectNamespace<Scheduler>, workspaceId: string, hostId: string) {
  return ns.get(ns.idFromName(workspaceObjectName(workspaceId, `host:${hostId}`)));
}
