import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { delay, HttpResponse, http } from 'msw';
import { afterAll, describe, expect, it } from 'vitest';
import { configOf, loadConfig, type RawEnv } from '../../src/config';
import { toContactCapture } from '../../src/domain/contact';
import { newId } from '../../src/domain/ids';
import { addDays, formatInZone, localDate, wallTimeToUtc } from '../../src/domain/zoned-time';
import { schedulerFor } from '../../src/durable-objects/scheduler';
import { EventMessageSchema } from '../../src/messages/events';
import { bookingProviderFor } from '../../src/services/chatbot/booking';
import type { BookingOutcome, ChatbotBookingRequest } from '../../src/services/chatbot/booking-provider';
import { BOOKING_ID_KEY, calcomProvider } from '../../src/services/chatbot/calcom-provider';
import { schedulerProvider } from '../../src/services/chatbot/scheduler-provider';
import type { ServiceContext } from '../../src/services/context';
import { ServiceError } from '../../src/services/errors';
import { berlinSlot, settle } from '../demo/support';
import { DEFAULT_WORKSPACE, uniqueEmail } from '../support/api';
import { server } from '../support/msw';

afterAll(settle);

const MINUTE = 60_000;
const DAY = 86_400_000;
const TZ = 'Europe/Warsaw';
const USER_HASH = 'ab'.repeat(32);

/** A ServiceContext as the chatbot's endpoints build it, with configuration variables laid over the test env. */
function context(vars: Record<string, string> = {}): ServiceContext {
  const config = Object.keys(vars).length > 0 ? configOf({ ...(env as unknown as RawEnv), ...vars }) : loadConfig(env);
  return {
    env,
    config,
    workspace: DEFAULT_WORKSPACE,
    requestId: 'chatbot-test',
    actor: 'chatbot',
    // The booking providers never touch Postgres (the Scheduler's events reach it through the queue).
    inWorkspace: () => Promise.reject(new Error('not used by the booking providers')),
    waitUntil: () => undefined,
  };
}

function request(start: number | string, over: Partial<ChatbotBookingRequest> & { email?: string } = {}): ChatbotBookingRequest {
  const email = over.email ?? uniqueEmail('bot');
  const { email: _email, ...rest } = over;
  return {
    bookingId: newId(),
    start: typeof start === 'number' ? new Date(start).toISOString() : start,
    timeZone: TZ,
    contact: toContactCapture({ email, name: 'Jan Kowalski', phone: '+48600100200' }, 'chatbot', new Date().toISOString()),
    notes: 'Pakiet Premium',
    chatbot: { platform: 'chatfuel', user_hash: USER_HASH, package: 'Premium', topic: 'Wdrożenie CRM' },
    requestId: 'chatbot-test-book',
    ...rest,
  };
}

function booked(outcome: BookingOutcome) {
  if (!outcome.ok) throw new Error(`expected a booking, got ${JSON.stringify(outcome)}`);
  return outcome.booking;
}

/** Where a booking lives in the test hosts' Schedulers: [host id, booking] for each that holds it. */
async function holders(bookingId: string) {
  const found = await Promise.all(
    ['berlin', 'newyork'].map(async (h) => [h, await schedulerFor(env.SCHEDULER, DEFAULT_WORKSPACE.id, h).booking(bookingId)] as const),
  );
  return found.filter(([, b]) => b !== null);
}

describe('bookingProviderFor', () => {
  it('is the Scheduler by default and Cal.com when CHATBOT_BOOKING_PROVIDER=calcom', () => {
    expect(bookingProviderFor(loadConfig(env)).name).toBe('scheduler');
    const calcom = context({ CHATBOT_BOOKING_PROVIDER: 'calcom', CALCOM_API_KEY: 'cal_live_test', CALCOM_EVENT_TYPE_ID: '2026302' });
    expect(bookingProviderFor(calcom.config).name).toBe('calcom');
  });
});

// The Scheduler's days here (30–36 weekdays ahead) are no other test's.
describe("the Scheduler provider (Leadgate's own, through the demo path)", () => {
  const ctx = context();

  it("lists the hosts' free slots on the visitor's clock", async () => {
    const from = berlinSlot(30, '00:00');
    const slots = await schedulerProvider.availability(ctx, { from, to: from + DAY, timeZone: TZ });
    const nine = slots.find((s) => s.start === new Date(berlinSlot(30, '09:00')).toISOString());
    expect(nine).toBeDefined();
    expect(nine!.local_start).toMatch(/T09:00:00\+0[12]:00$/); // Warsaw keeps Berlin's clock
    expect(slots.every((s, i) => i === 0 || slots[i - 1]!.start < s.start)).toBe(true);
  });

  it('books with the chatbot context and the 24 h reminder, once per booking id, even when asked again for another time', async () => {
    const start = berlinSlot(31, '10:00');
    const req = request(start);
    const first = booked(await schedulerProvider.book(ctx, req));
    expect(first).toMatchObject({
      id: req.bookingId,
      provider: 'scheduler',
      reference: req.bookingId,
      start: new Date(start).toISOString(),
      end: new Date(start + 30 * MINUTE).toISOString(),
      time_zone: TZ,
      host_name: 'Berta Berlin', // 10:00 Berlin is outside New York's hours
    });
    expect(first.local_start).toMatch(/T10:00:00\+0[12]:00$/);
    expect(first.cancel_url).toContain(`/api/v1/demo/bookings/${req.bookingId}/cancel?token=`);

    // The booking JSON round-trips through the Scheduler's SQLite with the conversation, and the
    // reminder is CHATBOT_REMINDER_HOURS_BEFORE (24) ahead, not the demo's hour.
    const stub = schedulerFor(env.SCHEDULER, DEFAULT_WORKSPACE.id, 'berlin');
    expect((await stub.booking(req.bookingId))!.chatbot).toEqual({ ...req.chatbot, reminder_minutes: 24 * 60 });
    const reminderAt = await runInDurableObject(
      stub,
      (_o, state) => state.storage.sql.exec<{ reminder_at: number }>('SELECT reminder_at FROM bookings WHERE id = ?', req.bookingId).one().reminder_at,
    );
    expect(reminderAt).toBe(start - 24 * 60 * MINUTE);

    // A retry books nothing new, whatever host its start would go to (22:00 Berlin is New York's afternoon).
    expect(booked(await schedulerProvider.book(ctx, { ...req, requestId: 'retry' }))).toEqual(first);
    expect(booked(await schedulerProvider.book(ctx, { ...req, start: new Date(berlinSlot(31, '22:00')).toISOString() }))).toEqual(first);
    expect((await holders(req.bookingId)).map(([h]) => h)).toEqual(['berlin']);

    // Another booking of the same person: the one-active-demo rule holds for the chatbot too.
    const other = await schedulerProvider.book(ctx, request(berlinSlot(31, '11:00'), { email: req.contact.email }));
    expect(other).toMatchObject({ ok: false, reason: 'active_booking' });
  });

  it('a demo.booked event carries the chatbot context through the queue contract', async () => {
    const req = request(berlinSlot(32, '10:00'));
    booked(await schedulerProvider.book(ctx, req));
    const booking = (await schedulerFor(env.SCHEDULER, DEFAULT_WORKSPACE.id, 'berlin').booking(req.bookingId))!;
    const parsed = EventMessageSchema.parse({
      id: booking.id,
      type: 'demo.booked',
      occurred_at: booking.created_at,
      request_id: 'x',
      workspace_id: DEFAULT_WORKSPACE.id,
      booking,
      host: { id: 'berlin', name: 'Berta Berlin', email: 'berta@leadgate-test.com', time_zone: 'Europe/Berlin' },
    });
    expect(parsed.type === 'demo.booked' && parsed.booking.chatbot).toEqual({ ...req.chatbot, reminder_minutes: 24 * 60 });
  });

  it('a taken slot answers with the nearest free ones on the visitor clock; too many tries answer too_many_attempts', async () => {
    const start = berlinSlot(33, '10:00');
    booked(await schedulerProvider.book(ctx, request(start)));
    const email = uniqueEmail('late');
    const taken = await schedulerProvider.book(ctx, request(start, { email, timeZone: 'America/New_York' }));
    expect(taken.ok).toBe(false);
    if (taken.ok || taken.reason !== 'slot_taken') throw new Error(JSON.stringify(taken));
    expect(taken.nearest.length).toBeGreaterThan(0);
    expect(taken.nearest.map((s) => s.start)).not.toContain(new Date(start).toISOString());
    expect(taken.nearest[0]!.local_start).toMatch(/-0[45]:00$/);
    // DEMO_ATTEMPTS_PER_HOUR is 5 per email: four more refusals, then the guard says wait.
    for (let i = 0; i < 4; i++) expect(await schedulerProvider.book(ctx, request(start, { email }))).toMatchObject({ ok: false, reason: 'slot_taken' });
    const limited = await schedulerProvider.book(ctx, request(start, { email }));
    expect(limited).toMatchObject({ ok: false, reason: 'too_many_attempts' });
    expect(limited.ok === false && 'retryAfterSeconds' in limited && limited.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('refuses a start that is no instant, or in the past, as invalid', async () => {
    expect(await schedulerProvider.book(ctx, request('jutro o 9'))).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await schedulerProvider.book(ctx, request('2026-12-07T10:00:00'))).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await schedulerProvider.book(ctx, request(Date.now() - DAY))).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('cancels by booking id, without the signed link: the slot is free again, a repeat is harmless, an unknown id is not_found', async () => {
    const start = berlinSlot(34, '10:00');
    const req = request(start);
    booked(await schedulerProvider.book(ctx, req));
    expect(await schedulerProvider.cancel(ctx, { bookingId: req.bookingId, reason: 'Klient zrezygnował' })).toEqual({ ok: true });
    const [held] = await holders(req.bookingId);
    expect(held?.[1]).toMatchObject({ status: 'cancelled', sequence: 1 });
    expect(await schedulerProvider.cancel(ctx, { bookingId: req.bookingId, reason: 'again' })).toEqual({ ok: true });
    expect(await schedulerProvider.cancel(ctx, { bookingId: newId(), reason: 'x' })).toEqual({ ok: false, reason: 'not_found' });
    // The cancelled id does not book again; the person (guard released) and the slot are free for a new one.
    expect(await schedulerProvider.book(ctx, req)).toMatchObject({ ok: false, reason: 'invalid' });
    expect(booked(await schedulerProvider.book(ctx, { ...req, bookingId: newId() })).start).toBe(new Date(start).toISOString());
  });
});

// --- Cal.com, mocked at HTTP with its v2 shapes ---------------------------------------------------------

const CAL = 'https://api.cal.com';
const EVENT_TYPE_ID = 2026302;
const CAL_VARS = { CHATBOT_BOOKING_PROVIDER: 'calcom', CALCOM_API_KEY: 'cal_live_0123456789abcdef', CALCOM_EVENT_TYPE_ID: String(EVENT_TYPE_ID) };

/** Cal.com's HttpExceptionFilter envelope. */
const envelope = (path: string, code: string, message: string) => ({ status: 'error', timestamp: new Date().toISOString(), path, error: { code, message } });

interface CalBooking {
  id: number;
  uid: string;
  start: string;
  end: string;
  status: string;
  metadata: Record<string, unknown>;
  attendee: { name: string; email: string; timeZone: string; phoneNumber?: string };
  cancellationReason?: string;
}

/**
 * One Cal.com event type (30 minutes, 09:00–12:00 Warsaw on one day) as API v2 answers for it: slots
 * (2024-09-04), bookings listed, created and cancelled (2024-08-13). Every call is recorded.
 */
function fakeCalcom(day: string) {
  const calls: Array<{ method: string; url: URL; version: string | null; auth: string | null; body?: any }> = [];
  const bookings: CalBooking[] = [];
  const starts = ['09:00', '09:30', '10:00', '10:30', '11:00', '11:30'].map((t) => wallTimeToUtc(day, t, TZ));
  const fail: { create?: () => Promise<Response> | Response; createdThenSlow?: boolean } = {};
  const output = (b: CalBooking) => ({
    id: b.id,
    uid: b.uid,
    title: `Konsultacja between Anna Kowalska and ${b.attendee.name}`,
    description: '',
    hosts: [{ id: 17, name: 'Anna Kowalska', email: 'anna@leadgate-test.com', username: 'anna', timeZone: TZ }],
    status: b.status,
    ...(b.cancellationReason ? { cancellationReason: b.cancellationReason } : {}),
    start: b.start,
    end: b.end,
    duration: 30,
    eventTypeId: EVENT_TYPE_ID,
    eventType: { id: EVENT_TYPE_ID, slug: 'konsultacja' },
    meetingUrl: `https://app.cal.com/video/${b.uid}`,
    location: `https://app.cal.com/video/${b.uid}`,
    absentHost: false,
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    metadata: b.metadata,
    attendees: [{ name: b.attendee.name, email: b.attendee.email, timeZone: b.attendee.timeZone, language: 'pl', absent: false }],
    guests: [],
    bookingFieldsResponses: { name: b.attendee.name, email: b.attendee.email },
  });
  const record = async (request: { method: string; url: string; headers: Headers; clone(): { text(): Promise<string> } }) => {
    const text = await request.clone().text();
    const call = {
      method: request.method,
      url: new URL(request.url),
      version: request.headers.get('cal-api-version'),
      auth: request.headers.get('authorization'),
      body: text ? JSON.parse(text) : undefined,
    };
    calls.push(call);
    return call;
  };
  const held = () => new Set(bookings.filter((b) => b.status !== 'cancelled').map((b) => Date.parse(b.start)));
  server.use(
    http.get(`${CAL}/v2/slots`, async ({ request }) => {
      const { url } = await record(request);
      const from = Date.parse(url.searchParams.get('start')!);
      const to = Date.parse(url.searchParams.get('end')!);
      const tz = url.searchParams.get('timeZone')!;
      const range = url.searchParams.get('format') === 'range';
      const data: Record<string, Array<{ start: string; end?: string }>> = {};
      const calTime = (ms: number) => formatInZone(ms, tz).replace(/(:\d\d)([+-]\d\d:\d\d)$/, '$1.000$2');
      for (const s of starts.filter((s) => s >= from && s < to && !held().has(s))) {
        const date = localDate(s, tz);
        data[date] = [...(data[date] ?? []), range ? { start: calTime(s), end: calTime(s + 30 * MINUTE) } : { start: calTime(s) }];
      }
      return HttpResponse.json({ status: 'success', data });
    }),
    http.get(`${CAL}/v2/bookings`, async ({ request }) => {
      const { url } = await record(request);
      const q = url.searchParams;
      // One event type here: a list for another one is empty.
      let list = q.get('eventTypeId') === String(EVENT_TYPE_ID) ? bookings : [];
      if (q.get('attendeeEmail')) list = list.filter((b) => b.attendee.email === q.get('attendeeEmail'));
      if (q.get('afterStart')) list = list.filter((b) => Date.parse(b.start) >= Date.parse(q.get('afterStart')!));
      if (q.get('beforeEnd')) list = list.filter((b) => Date.parse(b.end) <= Date.parse(q.get('beforeEnd')!));
      const take = Number(q.get('take') ?? 100);
      const skip = Number(q.get('skip') ?? 0);
      const page = list.slice(skip, skip + take);
      return HttpResponse.json({
        status: 'success',
        data: page.map(output),
        pagination: {
          totalItems: list.length,
          remainingItems: Math.max(0, list.length - skip - page.length),
          returnedItems: page.length,
          itemsPerPage: take,
          currentPage: Math.floor(skip / take) + 1,
          totalPages: Math.ceil(list.length / take),
          hasNextPage: skip + page.length < list.length,
          hasPreviousPage: skip > 0,
        },
      });
    }),
    http.post(`${CAL}/v2/bookings`, async ({ request }) => {
      const { body } = await record(request);
      if (fail.create) return fail.create();
      const start = Date.parse(body.start);
      if (!starts.includes(start) || held().has(start)) {
        return HttpResponse.json(envelope('/v2/bookings', 'BadRequestException', 'User either already has booking at this time or is not available'), {
          status: 400,
        });
      }
      const b: CalBooking = {
        id: 5000 + bookings.length,
        uid: `bk_${crypto.randomUUID().slice(0, 12)}`,
        start: new Date(start).toISOString(),
        end: new Date(start + 30 * MINUTE).toISOString(),
        status: 'accepted',
        metadata: body.metadata,
        attendee: body.attendee,
      };
      bookings.push(b);
      // Cal.com booked it, but its answer comes after the caller gave up.
      if (fail.createdThenSlow) await delay(1500);
      return HttpResponse.json({ status: 'success', data: output(b) }, { status: 201 });
    }),
    http.post(`${CAL}/v2/bookings/:uid/cancel`, async ({ request, params }) => {
      const { body } = await record(request);
      const b = bookings.find((x) => x.uid === params.uid);
      if (!b)
        return HttpResponse.json(envelope(`/v2/bookings/${params.uid}/cancel`, 'NotFoundException', `Booking with uid=${params.uid} not found`), {
          status: 404,
        });
      b.status = 'cancelled';
      b.cancellationReason = body.cancellationReason;
      return HttpResponse.json({ status: 'success', data: output(b) });
    }),
  );
  return { calls, bookings, starts, fail, posts: () => calls.filter((c) => c.method === 'POST' && c.url.pathname === '/v2/bookings') };
}

/** A weekday about three weeks ahead, in Warsaw. */
const calDay = (n: number) => addDays(localDate(Date.now(), TZ), 20 + n);

describe('the Cal.com provider (API v2 at HTTP)', () => {
  const ctx = context(CAL_VARS);
  const provider = calcomProvider();

  it('availability: GET /v2/slots for the event type, range format, cal-api-version 2024-09-04; slots on the visitor clock', async () => {
    const day = calDay(0);
    const cal = fakeCalcom(day);
    const from = wallTimeToUtc(day, '00:00', TZ);
    const slots = await provider.availability(ctx, { from, to: from + DAY, timeZone: 'America/New_York' });
    expect(slots).toHaveLength(6);
    expect(slots[0]).toEqual({
      start: new Date(cal.starts[0]!).toISOString(),
      end: new Date(cal.starts[0]! + 30 * MINUTE).toISOString(),
      local_start: formatInZone(cal.starts[0]!, 'America/New_York'),
      local_end: formatInZone(cal.starts[0]! + 30 * MINUTE, 'America/New_York'),
    });
    const [call] = cal.calls;
    expect(call!.version).toBe('2024-09-04');
    expect(call!.auth).toBe('Bearer cal_live_0123456789abcdef');
    expect(Object.fromEntries(call!.url.searchParams)).toEqual({
      eventTypeId: String(EVENT_TYPE_ID),
      start: new Date(from).toISOString(),
      end: new Date(from + DAY).toISOString(),
      timeZone: 'America/New_York',
      format: 'range',
    });
  });

  it('books with the attendee and Leadgate metadata; the same booking id books once', async () => {
    const cal = fakeCalcom(calDay(1));
    const start = cal.starts[2]!;
    const req = request(start);
    const meeting = booked(await provider.book(ctx, req));
    expect(meeting).toEqual({
      id: req.bookingId,
      provider: 'calcom',
      reference: cal.bookings[0]!.uid,
      start: new Date(start).toISOString(),
      end: new Date(start + 30 * MINUTE).toISOString(),
      local_start: formatInZone(start, TZ),
      time_zone: TZ,
      host_name: 'Anna Kowalska',
    });
    // First the look-up for this id among the attendee's bookings around the start, then the booking.
    const [lookup, create] = cal.calls;
    expect(lookup!.method).toBe('GET');
    expect(lookup!.version).toBe('2024-08-13');
    expect(Object.fromEntries(lookup!.url.searchParams)).toMatchObject({
      eventTypeId: String(EVENT_TYPE_ID),
      attendeeEmail: req.contact.email,
      afterStart: new Date(start - MINUTE).toISOString(),
      beforeEnd: new Date(start + DAY).toISOString(),
    });
    expect(create!.version).toBe('2024-08-13');
    expect(create!.auth).toBe('Bearer cal_live_0123456789abcdef');
    expect(create!.body).toEqual({
      start: new Date(start).toISOString().replace('.000Z', 'Z'),
      eventTypeId: EVENT_TYPE_ID,
      attendee: { name: 'Jan Kowalski', email: req.contact.email, timeZone: TZ, phoneNumber: '+48600100200', language: 'pl' },
      metadata: { [BOOKING_ID_KEY]: req.bookingId, source: 'chatbot', chatbot_platform: 'chatfuel', package: 'Premium', topic: 'Wdrożenie CRM' },
      bookingFieldsResponses: { notes: 'Pakiet Premium' },
    });

    expect(booked(await provider.book(ctx, { ...req, requestId: 'retry' }))).toEqual(meeting);
    expect(cal.posts()).toHaveLength(1);
    expect(cal.bookings).toHaveLength(1);
  });

  it('a create that timed out after Cal.com booked it is found by the retry, not booked twice', async () => {
    const cal = fakeCalcom(calDay(2));
    cal.fail.createdThenSlow = true;
    const req = request(cal.starts[0]!);
    const first = await provider.book(ctx, req);
    expect(first).toMatchObject({ ok: false, reason: 'unavailable', retryAfterSeconds: 30 });
    cal.fail.createdThenSlow = false;
    const retried = booked(await provider.book(ctx, req));
    expect(retried.reference).toBe(cal.bookings[0]!.uid);
    expect(cal.posts()).toHaveLength(1);
    expect(cal.bookings).toHaveLength(1);
  });

  it('a taken slot answers with the nearest free slots from a fresh slots call around the asked time', async () => {
    const cal = fakeCalcom(calDay(3));
    const start = cal.starts[2]!;
    booked(await provider.book(ctx, request(start)));
    const before = cal.calls.length;
    const taken = await provider.book(ctx, request(start, { timeZone: 'America/New_York' }));
    if (taken.ok || taken.reason !== 'slot_taken') throw new Error(JSON.stringify(taken));
    expect(taken.nearest.map((s) => s.start)).toEqual([cal.starts[1]!, cal.starts[3]!, cal.starts[0]!].map((t) => new Date(t).toISOString()));
    expect(taken.nearest[0]!.local_start).toBe(formatInZone(cal.starts[1]!, 'America/New_York'));
    const slotsCall = cal.calls.slice(before).find((c) => c.url.pathname === '/v2/slots')!;
    expect(slotsCall.version).toBe('2024-09-04');
    expect(Date.parse(slotsCall.url.searchParams.get('start')!)).toBeLessThanOrEqual(start - DAY);
    expect(Date.parse(slotsCall.url.searchParams.get('end')!)).toBeGreaterThanOrEqual(start + DAY);
  });

  it('cancels by booking id: found through its metadata, POST …/cancel with the reason; a repeat is harmless, an unknown id not_found', async () => {
    const cal = fakeCalcom(calDay(4));
    // Another booking of the event type, so the look-up has to pick ours by its metadata.
    booked(await provider.book(ctx, request(cal.starts[0]!)));
    const req = request(cal.starts[1]!);
    const meeting = booked(await provider.book(ctx, req));
    const before = cal.calls.length;
    expect(await provider.cancel(ctx, { bookingId: req.bookingId, reason: 'Klient zrezygnował w czacie' })).toEqual({ ok: true });
    const [list, cancel] = cal.calls.slice(before);
    expect(list!.method).toBe('GET');
    expect(list!.url.searchParams.get('eventTypeId')).toBe(String(EVENT_TYPE_ID));
    expect(cancel!.url.pathname).toBe(`/v2/bookings/${meeting.reference}/cancel`);
    expect(cancel!.version).toBe('2024-08-13');
    expect(cancel!.body).toEqual({ cancellationReason: 'Klient zrezygnował w czacie' });
    expect(cal.bookings.map((b) => b.status)).toEqual(['accepted', 'cancelled']);

    expect(await provider.cancel(ctx, { bookingId: req.bookingId, reason: 'again' })).toEqual({ ok: true });
    expect(cal.calls.filter((c) => c.url.pathname.endsWith('/cancel'))).toHaveLength(1);
    expect(await provider.cancel(ctx, { bookingId: newId(), reason: 'x' })).toEqual({ ok: false, reason: 'not_found' });
    // The cancelled id does not book again.
    expect(await provider.book(ctx, req)).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it("Cal.com's refusals: 5xx and 429 → unavailable with the retry hint, a timeout → unavailable, a bad attendee → invalid", async () => {
    const cal = fakeCalcom(calDay(5));
    cal.fail.create = () =>
      HttpResponse.json(envelope('/v2/bookings', 'ServiceUnavailableException', 'Service Unavailable'), { status: 503, headers: { 'retry-after': '12' } });
    expect(await provider.book(ctx, request(cal.starts[0]!))).toMatchObject({ ok: false, reason: 'unavailable', retryAfterSeconds: 12 });
    cal.fail.create = () => new HttpResponse('<html>Bad gateway</html>', { status: 502 });
    expect(await provider.book(ctx, request(cal.starts[0]!))).toMatchObject({ ok: false, reason: 'unavailable', retryAfterSeconds: 30 });
    cal.fail.create = async () => {
      await delay(1500); // DELIVERY_TIMEOUT_MS is 1000
      return HttpResponse.json({});
    };
    expect(await provider.book(ctx, request(cal.starts[0]!))).toMatchObject({ ok: false, reason: 'unavailable' });
    cal.fail.create = () => HttpResponse.json(envelope('/v2/bookings', 'BadRequestException', 'attendee.phoneNumber: invalid phone number'), { status: 400 });
    expect(await provider.book(ctx, request(cal.starts[0]!))).toEqual({
      ok: false,
      reason: 'invalid',
      message: 'BadRequestException: attendee.phoneNumber: invalid phone number',
    });
    expect(await provider.book(ctx, request('jutro o 9'))).toMatchObject({ ok: false, reason: 'invalid' });
    expect(cal.bookings).toHaveLength(0);

    // The look-up itself failing: nothing is created blind.
    server.use(http.get(`${CAL}/v2/bookings`, () => HttpResponse.json(envelope('/v2/bookings', 'InternalServerErrorException', 'boom'), { status: 500 })));
    cal.fail.create = undefined;
    const posts = cal.posts().length;
    expect(await provider.book(ctx, request(cal.starts[0]!))).toMatchObject({ ok: false, reason: 'unavailable' });
    expect(await provider.cancel(ctx, { bookingId: newId(), reason: 'x' })).toMatchObject({ ok: false, reason: 'unavailable' });
    expect(cal.posts()).toHaveLength(posts);

    server.use(http.get(`${CAL}/v2/slots`, () => HttpResponse.json(envelope('/v2/slots', 'InternalServerErrorException', 'boom'), { status: 500 })));
    const from = wallTimeToUtc(calDay(5), '00:00', TZ);
    const error = await provider.availability(ctx, { from, to: from + DAY, timeZone: TZ }).catch((e) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error.code).toBe('service_unavailable');
  });

  it('in capture mode (local development, no Cal.com account) books through the Scheduler and says so', async () => {
    let calcomCalls = 0;
    server.use(
      http.all(`${CAL}/*`, () => {
        calcomCalls++;
        return HttpResponse.json({});
      }),
    );
    const local = context({ ...CAL_VARS, PROVIDER_MODE: 'capture', LIVE_PROVIDERS: '' });
    const start = berlinSlot(35, '10:00');
    const from = berlinSlot(35, '00:00');
    expect((await provider.availability(local, { from, to: from + DAY, timeZone: TZ })).map((s) => s.start)).toContain(new Date(start).toISOString());
    const req = request(start);
    const meeting = booked(await provider.book(local, req));
    expect(meeting).toMatchObject({ id: req.bookingId, provider: 'scheduler', reference: req.bookingId, host_name: 'Berta Berlin' });
    expect(await provider.cancel(local, { bookingId: req.bookingId, reason: 'x' })).toEqual({ ok: true });
    expect(calcomCalls).toBe(0);
  });
});
