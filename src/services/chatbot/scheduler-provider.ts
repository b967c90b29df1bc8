import type { VisitorSlot } from '../../domain/availability';
import type { DemoBooking } from '../../domain/demo-booking';
import { bookAdmitted, bookingAnswer, checkStart } from '../book-demo';
import { cancelDemoById, findDemoBooking } from '../cancel-demo';
import type { ServiceContext } from '../context';
import { demoAvailability } from '../demo-availability';
import { ServiceError } from '../errors';
import type { BookedMeeting, BookingOutcome, BookingProvider, CancelOutcome, ChatbotBookingRequest } from './booking-provider';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The instant (UTC ms) of an ISO 8601 date-time that names its zone; NaN for anything else ("jutro o 9" included). */
export function instantOf(start: string): number {
  return ISO_INSTANT.test(start) ? Date.parse(start) : Number.NaN;
}

/** The context of one chatbot request: its own request id on the booking's events and logs. */
export const forRequest = (ctx: ServiceContext, requestId: string | undefined): ServiceContext =>
  requestId && requestId !== ctx.requestId ? { ...ctx, requestId } : ctx;

/**
 * The chatbot books through Leadgate's own Scheduler, on the site's demo path after its admission gate
 * (the bot is authenticated by its token and limited per user and network before it gets here): the
 * per-email guard, the hosts' Schedulers (no double booking), the .ics invites, the cancel and reschedule
 * links and the reminder, CHATBOT_REMINDER_HOURS_BEFORE ahead. The booking carries the conversation
 * (`chatbot`) to the fan-out in its `demo.booked` event.
 *
 * The same `bookingId` books once: the hosts' Schedulers are asked for it first, and a Scheduler handed
 * an id it already holds answers with that booking.
 */
export const schedulerProvider: BookingProvider = {
  name: 'scheduler',

  async availability(ctx, input) {
    const answer = await demoAvailability({
      ctx,
      input: { from: new Date(input.from).toISOString(), to: new Date(input.to).toISOString(), timeZone: input.timeZone },
    });
    return answer.slots;
  },

  async book(base, input): Promise<BookingOutcome> {
    const ctx = forRequest(base, input.requestId);
    const start = instantOf(input.start);
    if (Number.isNaN(start)) return { ok: false, reason: 'invalid', message: `start is not an ISO 8601 instant with a zone: ${input.start.slice(0, 40)}` };
    try {
      const existing = await findDemoBooking(ctx, input.bookingId);
      if (existing) return repeated(existing.booking, existing.host.name);
      const now = Date.now();
      checkStart(start, now);
      const booked = await bookAdmitted({ ctx, input: admitted(ctx, input, start, now) });
      return { ok: true, booking: meeting(booked.booking, booked.host.name) };
    } catch (err) {
      // The guard holds this very id: the same booking is being (or was just) made by a concurrent retry.
      // Wait a little for it (it takes the slot in well under a second) rather than refuse the retry.
      if (reasonOf(err) === 'active_demo_exists') {
        for (let i = 0; i < 8; i++) {
          const again = await findDemoBooking(ctx, input.bookingId).catch(() => null);
          if (again) return repeated(again.booking, again.host.name);
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      return refusal(err);
    }
  },

  async cancel(base, input): Promise<CancelOutcome> {
    try {
      // The reason is not kept: the Scheduler's cancellation has no field for it (the invite's CANCEL says enough).
      await cancelDemoById({ ctx: base, input: { bookingId: input.bookingId } });
      return { ok: true };
    } catch (err) {
      if (!(err instanceof ServiceError)) throw err;
      if (err.code === 'not_found') return { ok: false, reason: 'not_found' };
      if (err.code === 'conflict' && err.extra?.reason === 'too_late') return { ok: false, reason: 'too_late', message: err.detail };
      if (err.code === 'service_unavailable') return { ok: false, reason: 'unavailable', retryAfterSeconds: err.retryAfterSeconds ?? 30 };
      throw err;
    }
  },
};

function admitted(ctx: ServiceContext, input: ChatbotBookingRequest, start: number, now: number) {
  return {
    id: input.bookingId,
    start,
    now,
    timeZone: input.timeZone,
    notes: input.notes,
    contact: input.contact,
    occurredAt: new Date(now).toISOString(),
    reminderMinutes: ctx.config.chatbot.reminderMinutesBefore,
    chatbot: { ...input.chatbot, reminder_minutes: ctx.config.chatbot.reminderMinutesBefore },
  };
}

/** A booking id seen before: the booking it made, or a refusal if it has been cancelled since. */
function repeated(booking: DemoBooking, hostName: string): BookingOutcome {
  if (booking.status === 'confirmed') return { ok: true, booking: meeting(booking, hostName) };
  return { ok: false, reason: 'invalid', message: 'This booking was cancelled; a new booking needs a new booking id.' };
}

export function meeting(b: DemoBooking, hostName: string): BookedMeeting {
  const answer = bookingAnswer(b, hostName, true);
  return {
    id: b.id,
    provider: 'scheduler',
    reference: b.id,
    start: answer.start,
    end: answer.end,
    local_start: answer.local_start,
    time_zone: answer.time_zone,
    host_name: hostName,
    cancel_url: b.cancel_url,
    reschedule_url: b.reschedule_url,
  };
}

const reasonOf = (err: unknown) => (err instanceof ServiceError ? err.extra?.reason : undefined);

/** The demo path's refusals, as the chatbot's outcomes; anything else is a fault and is raised. */
function refusal(err: unknown): BookingOutcome {
  if (!(err instanceof ServiceError)) throw err;
  switch (err.code) {
    case 'conflict':
      if (err.extra?.reason === 'slot_taken') return { ok: false, reason: 'slot_taken', nearest: (err.extra.nearest_slots as VisitorSlot[] | undefined) ?? [] };
      if (err.extra?.reason === 'active_demo_exists') return { ok: false, reason: 'active_booking', message: err.detail };
      return { ok: false, reason: 'invalid', message: err.detail };
    case 'rate_limited':
      return { ok: false, reason: 'too_many_attempts', retryAfterSeconds: err.retryAfterSeconds, message: err.detail };
    case 'service_unavailable':
      return { ok: false, reason: 'unavailable', retryAfterSeconds: err.retryAfterSeconds ?? 30, message: err.detail };
    case 'validation_failed':
      return { ok: false, reason: 'invalid', message: err.detail };
    default:
      throw err;
  }
}
