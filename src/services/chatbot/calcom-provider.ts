import { providerIsLive } from '../../config';
import { type Interval, inVisitorZone, nearestSlots, type VisitorSlot } from '../../domain/availability';
import { searchWindow } from '../../durable-objects/scheduler';
import {
  type CalcomBooking,
  type CalcomFailure,
  type CalcomListedBooking,
  type CalcomOptions,
  cancelCalcomBooking,
  createCalcomBooking,
  getCalcomSlots,
  listCalcomBookings,
} from '../../integrations/booking/calcom';
import type { Fetcher } from '../../integrations/provider-call';
import { logger } from '../../logger';
import type { ServiceContext } from '../context';
import { ServiceError } from '../errors';
import type { BookedMeeting, BookingOutcome, BookingProvider, CancelOutcome, ChatbotBookingRequest } from './booking-provider';
import { forRequest, instantOf, schedulerProvider } from './scheduler-provider';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** The slot length assumed when Cal.com names a slot's start only (the range format names its end). */
const DEFAULT_SLOT_MINUTES = 30;
/** Leadgate's booking id, in the Cal.com booking's metadata: how a retry and a cancel find the booking. */
export const BOOKING_ID_KEY = 'leadgate_booking_id';
/** At most this many pages of 100 upcoming bookings are looked through to find one by its Leadgate id. */
const LOOKUP_PAGES = 10;
const UNAVAILABLE_RETRY_SECONDS = 30;

const liveFetch: Fetcher = (request) => fetch(request);

/**
 * The chatbot books with Cal.com (API v2, through `integrations/booking/calcom.ts`): the configured
 * event type's slots, a booking per request, its cancellation.
 *
 * - **The booking id.** Cal.com has no idempotency key and cannot search by metadata, so Leadgate's
 *   `bookingId` is stored in the booking's `metadata` (`leadgate_booking_id`), and found again by listing
 *   bookings: for a booking retried, the attendee's bookings around the asked start; for a cancel, the
 *   event type's upcoming bookings, page by page. A book first looks for its id, so a retry (after a
 *   timeout that did create the booking, say) answers with the booking made, and a create that Cal.com
 *   refuses as taken looks once more, for a concurrent try with the same id. Cal.com is the one store of
 *   the id → uid mapping: nothing to keep in sync, and a booking cancelled in Cal.com's own UI is seen.
 * - **Capture mode** (PROVIDER_MODE=capture without `calcom` in LIVE_PROVIDERS: local development, no
 *   account): the Scheduler books instead, and says so (`provider: 'scheduler'`). A captured call could
 *   not answer honestly: simulated slots would be invented, a simulated booking could not be found again
 *   or cancelled, and a taken slot could never happen.
 */
export function calcomProvider(fetcher: Fetcher = liveFetch): BookingProvider {
  return {
    name: 'calcom',

    async availability(ctx, input) {
      if (!isLive(ctx)) return schedulerProvider.availability(ctx, input);
      const o = optionsOf(ctx);
      if (!o) throw new ServiceError('service_unavailable', { detail: 'Cal.com is not configured (CALCOM_API_KEY, CALCOM_EVENT_TYPE_ID).' });
      const slots = await freeSlots(fetcher, o, input.from, input.to, input.timeZone);
      if (!slots.ok) {
        logger.warn('chatbot.calcom_slots_failed', { request_id: ctx.requestId, reason: slots.reason, status: slots.statusCode });
        throw new ServiceError('service_unavailable', {
          detail: 'The booking calendar cannot be read right now.',
          retryAfterSeconds: slots.retryAfterSeconds ?? UNAVAILABLE_RETRY_SECONDS,
        });
      }
      return slots.intervals.map((s) => inVisitorZone(s, input.timeZone));
    },

    async book(base, input): Promise<BookingOutcome> {
      if (!isLive(base)) return schedulerProvider.book(base, input);
      const ctx = forRequest(base, input.requestId);
      const o = optionsOf(ctx);
      if (!o) return { ok: false, reason: 'unavailable', message: 'Cal.com is not configured (CALCOM_API_KEY, CALCOM_EVENT_TYPE_ID).' };
      const at = instantOf(input.start);
      if (Number.isNaN(at)) return { ok: false, reason: 'invalid', message: `start is not an ISO 8601 instant with a zone: ${input.start.slice(0, 40)}` };
      const around = { attendeeEmail: input.contact.email, afterStart: iso(at - MINUTE), beforeEnd: iso(at + DAY) };

      // An earlier try with this id may have booked already (its answer lost to a timeout, say).
      const earlier = await findOurs(fetcher, o, input.bookingId, around, 1);
      if (!earlier.ok) return unavailable(ctx, 'lookup', earlier);
      if (earlier.booking) return repeated(ctx, earlier.booking, input);

      const created = await createCalcomBooking(fetcher, o, {
        start: input.start,
        attendee: {
          name: input.contact.name?.trim() || input.contact.email,
          email: input.contact.email,
          timeZone: input.timeZone,
          ...(input.contact.phone ? { phoneNumber: input.contact.phone } : {}),
        },
        metadata: metadataOf(input),
        ...(input.notes ? { bookingFieldsResponses: { notes: input.notes.slice(0, 1000) } } : {}),
      });
      if (created.ok) {
        logger.info('chatbot.calcom_booked', { request_id: ctx.requestId, booking_id: input.bookingId, calcom_uid: created.booking.uid });
        return { ok: true, booking: meetingOf(ctx, created.booking, input.bookingId, input.timeZone) };
      }
      if (created.reason === 'taken') {
        // Taken by a concurrent try with this same id is booked, not taken.
        const concurrent = await findOurs(fetcher, o, input.bookingId, around, 1);
        if (concurrent.ok && concurrent.booking) return repeated(ctx, concurrent.booking, input);
        return { ok: false, reason: 'slot_taken', nearest: await nearestFree(ctx, fetcher, o, at, input.timeZone) };
      }
      if (created.reason === 'invalid') {
        logger.warn('chatbot.calcom_refused', { request_id: ctx.requestId, booking_id: input.bookingId, status: created.statusCode });
        return { ok: false, reason: 'invalid', message: created.message };
      }
      // Unavailable: perhaps booked, perhaps not (a timeout). A retry with the same id finds out first.
      return unavailable(ctx, 'create', created);
    },

    async cancel(ctx, input): Promise<CancelOutcome> {
      if (!isLive(ctx)) return schedulerProvider.cancel(ctx, input);
      const o = optionsOf(ctx);
      if (!o) return { ok: false, reason: 'unavailable', message: 'Cal.com is not configured (CALCOM_API_KEY, CALCOM_EVENT_TYPE_ID).' };
      const found = await findOurs(fetcher, o, input.bookingId, { afterStart: iso(Date.now()) }, LOOKUP_PAGES);
      if (!found.ok) return unavailable(ctx, 'lookup', found);
      if (!found.booking) return { ok: false, reason: 'not_found' };
      if (isCancelled(found.booking)) return { ok: true };
      const result = await cancelCalcomBooking(fetcher, o, found.booking.uid, input.reason.trim() || 'Cancelled in the chatbot');
      if (result.ok) {
        logger.info('chatbot.calcom_cancelled', { request_id: ctx.requestId, booking_id: input.bookingId, calcom_uid: found.booking.uid });
        return { ok: true };
      }
      if (result.reason === 'invalid' && result.statusCode === 404) return { ok: false, reason: 'not_found' };
      // A refusal of the cancel itself (e.g. cancelling disabled for the event type): not online, then.
      if (result.reason !== 'unavailable' && result.statusCode === 400) return { ok: false, reason: 'too_late', message: result.message };
      return unavailable(ctx, 'cancel', result);
    },
  };
}

const CALCOM_CALL_BUDGET_MS = 2500;

const isLive = (ctx: ServiceContext) => providerIsLive(ctx.config.delivery, 'calcom');

function optionsOf(ctx: ServiceContext): CalcomOptions | null {
  const { apiKey, eventTypeId, apiUrl } = ctx.config.chatbot.calcom;
  if (!apiKey || !eventTypeId) return null;
  // The bot gives up after about 10 s and a booking may take a few calls: each gets at most 2.5 s.
  return { apiKey, eventTypeId, apiUrl, timeoutMs: Math.min(ctx.config.delivery.timeoutMs, CALCOM_CALL_BUDGET_MS) };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** What the Cal.com booking carries of the conversation: Leadgate's id first (the one key looked for), within Cal.com's limits. */
function metadataOf(input: ChatbotBookingRequest): Record<string, string> {
  return {
    [BOOKING_ID_KEY]: input.bookingId,
    source: 'chatbot',
    chatbot_platform: input.chatbot.platform,
    ...(input.chatbot.package ? { package: input.chatbot.package.slice(0, 500) } : {}),
    ...(input.chatbot.topic ? { topic: input.chatbot.topic.slice(0, 500) } : {}),
  };
}

/** The booking whose metadata names `bookingId`, through at most `pages` pages of the list. */
async function findOurs(
  fetcher: Fetcher,
  o: CalcomOptions,
  bookingId: string,
  filter: { attendeeEmail?: string; afterStart?: string; beforeEnd?: string },
  pages: number,
): Promise<{ ok: true; booking: CalcomListedBooking | null } | CalcomFailure> {
  const take = 100;
  for (let page = 0; page < pages; page++) {
    const listed = await listCalcomBookings(fetcher, o, { ...filter, take, skip: page * take });
    if (!listed.ok) return listed;
    const mine = listed.bookings.filter((b) => b.metadata[BOOKING_ID_KEY] === bookingId);
    // A live booking wins over a cancelled one with the same id.
    const booking = mine.find((b) => !isCancelled(b)) ?? mine[0];
    if (booking) return { ok: true, booking };
    if (!listed.hasMore) break;
  }
  return { ok: true, booking: null };
}

const isCancelled = (b: CalcomBooking) => b.status === 'cancelled' || b.status === 'rejected';

function repeated(ctx: ServiceContext, b: CalcomBooking, input: ChatbotBookingRequest): BookingOutcome {
  if (isCancelled(b)) return { ok: false, reason: 'invalid', message: 'This booking was cancelled; a new booking needs a new booking id.' };
  logger.info('chatbot.calcom_booking_repeated', { request_id: ctx.requestId, booking_id: input.bookingId, calcom_uid: b.uid });
  return { ok: true, booking: meetingOf(ctx, b, input.bookingId, input.timeZone) };
}

/** The meeting as the chatbot names it; the host is the consultant the bot names (Cal.com's create answer is read for the booking only). */
function meetingOf(ctx: ServiceContext, b: CalcomBooking, bookingId: string, timeZone: string): BookedMeeting {
  const start = Date.parse(b.start);
  const parsedEnd = Date.parse(b.end);
  const end = Number.isNaN(parsedEnd) ? start + DEFAULT_SLOT_MINUTES * MINUTE : parsedEnd;
  const slot = inVisitorZone({ start, end }, timeZone);
  return {
    id: bookingId,
    provider: 'calcom',
    reference: b.uid,
    start: slot.start,
    end: slot.end,
    local_start: slot.local_start,
    time_zone: timeZone,
    host_name: ctx.config.chatbot.consultant.name,
  };
}

/** The event type's free slots between two instants, as intervals, earliest first. */
async function freeSlots(
  fetcher: Fetcher,
  o: CalcomOptions,
  from: number,
  to: number,
  timeZone: string,
): Promise<{ ok: true; intervals: Interval[] } | CalcomFailure> {
  const answer = await getCalcomSlots(fetcher, o, { start: iso(from), end: iso(to), timeZone, format: 'range' });
  if (!answer.ok) return answer;
  const byStart = new Map<number, Interval>();
  for (const list of Object.values(answer.slots)) {
    for (const s of list) {
      const start = Date.parse(s.start);
      if (Number.isNaN(start) || start < from || start >= to) continue;
      const end = s.end ? Date.parse(s.end) : Number.NaN;
      byStart.set(start, { start, end: Number.isNaN(end) ? start + DEFAULT_SLOT_MINUTES * MINUTE : end });
    }
  }
  return { ok: true, intervals: [...byStart.values()].sort((a, b) => a.start - b.start) };
}

/** The free slots nearest the asked time, from a fresh slots call over the Scheduler's search window; none if Cal.com cannot say. */
async function nearestFree(ctx: ServiceContext, fetcher: Fetcher, o: CalcomOptions, at: number, timeZone: string): Promise<VisitorSlot[]> {
  const window = searchWindow(at, Date.now());
  const slots = await freeSlots(fetcher, o, window.start, window.end, timeZone);
  if (!slots.ok) {
    logger.warn('chatbot.calcom_slots_failed', { request_id: ctx.requestId, reason: slots.reason, status: slots.statusCode });
    return [];
  }
  return nearestSlots(
    slots.intervals.filter((s) => s.start !== at),
    at,
  ).map((s) => inVisitorZone(s, timeZone));
}

function unavailable(ctx: ServiceContext, step: string, f: CalcomFailure): { ok: false; reason: 'unavailable'; retryAfterSeconds: number; message: string } {
  logger.warn('chatbot.calcom_unavailable', { request_id: ctx.requestId, step, reason: f.reason, status: f.statusCode });
  return { ok: false, reason: 'unavailable', retryAfterSeconds: f.retryAfterSeconds ?? UNAVAILABLE_RETRY_SECONDS, message: f.message };
}
