import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { cancelCalcomBooking, createCalcomBooking, getCalcomSlots } from '../../src/integrations/booking/calcom';
import { server } from '../support/msw';

const o = { apiKey: 'cal_live_0123456789abcdef', eventTypeId: 2026302, timeoutMs: 1000 };
const fetcher = (r: Request) => fetch(r);

interface Seen {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: any;
}
const record = async (request: { method: string; url: string; headers: Headers; text(): Promise<string> }, seen: Seen[]) => {
  const text = await request.text();
  seen.push({ method: request.method, url: new URL(request.url), headers: Object.fromEntries(request.headers), body: text ? JSON.parse(text) : undefined });
};

/** Cal.com's HttpExceptionFilter envelope. */
const envelope = (path: string, code: string, message: string) => ({
  status: 'error',
  timestamp: '2026-12-01T12:00:00.000Z',
  path,
  error: { code, message },
});

/** A 2024-08-13 booking as Cal.com returns it. */
const bookingData = (uid: string, start: string, status = 'accepted') => ({
  id: 5021,
  uid,
  title: 'Konsultacja between Leadgate and Anna Kowalska',
  description: '',
  hosts: [{ id: 17, name: 'Berta', email: 'berta@example.com', username: 'berta', timeZone: 'Europe/Warsaw' }],
  status,
  start,
  end: new Date(Date.parse(start) + 30 * 60_000).toISOString(),
  duration: 30,
  eventTypeId: 2026302,
  eventType: { id: 2026302, slug: 'konsultacja' },
  meetingUrl: 'https://app.cal.com/video/d713v9w1d2krBptPtwUAnJ',
  location: 'https://app.cal.com/video/d713v9w1d2krBptPtwUAnJ',
  absentHost: false,
  createdAt: '2026-12-01T12:00:00.000Z',
  updatedAt: '2026-12-01T12:00:00.000Z',
  metadata: { lead_id: 'L-42' },
  attendees: [{ name: 'Anna Kowalska', email: 'anna@example.pl', timeZone: 'Europe/Warsaw', language: 'pl', absent: false }],
  guests: [],
  bookingFieldsResponses: { name: 'Anna Kowalska', email: 'anna@example.pl' },
});

const attendee = { name: 'Anna Kowalska', email: 'anna@example.pl', timeZone: 'Europe/Warsaw', phoneNumber: '+48600100200' };

describe('Cal.com v2 slots', () => {
  it('GET /v2/slots by event type id, start, end and zone, with cal-api-version 2024-09-04: slots grouped by date', async () => {
    const seen: Seen[] = [];
    server.use(
      http.get('https://api.cal.com/v2/slots', async ({ request }) => {
        await record(request, seen);
        return HttpResponse.json({
          status: 'success',
          data: {
            '2026-12-07': [{ start: '2026-12-07T09:00:00.000+01:00' }, { start: '2026-12-07T09:30:00.000+01:00' }],
            '2026-12-08': [{ start: '2026-12-08T14:00:00.000+01:00' }],
          },
        });
      }),
    );
    const result = await getCalcomSlots(fetcher, o, { start: '2026-12-07', end: '2026-12-08', timeZone: 'Europe/Warsaw' });
    expect(result).toEqual({
      ok: true,
      slots: {
        '2026-12-07': [{ start: '2026-12-07T09:00:00.000+01:00' }, { start: '2026-12-07T09:30:00.000+01:00' }],
        '2026-12-08': [{ start: '2026-12-08T14:00:00.000+01:00' }],
      },
    });
    expect(seen[0]!.method).toBe('GET');
    expect(Object.fromEntries(seen[0]!.url.searchParams)).toEqual({
      eventTypeId: '2026302',
      start: '2026-12-07',
      end: '2026-12-08',
      timeZone: 'Europe/Warsaw',
    });
    expect(seen[0]!.headers['cal-api-version']).toBe('2024-09-04');
    expect(seen[0]!.headers.authorization).toBe('Bearer cal_live_0123456789abcdef');
  });

  it('by event type slug and username; ranges keep their end', async () => {
    const seen: Seen[] = [];
    server.use(
      http.get('https://cal.example.com/v2/slots', async ({ request }) => {
        await record(request, seen);
        return HttpResponse.json({
          status: 'success',
          data: { '2026-12-07': [{ start: '2026-12-07T10:00:00.000+01:00', end: '2026-12-07T10:30:00.000+01:00' }] },
        });
      }),
    );
    const result = await getCalcomSlots(
      fetcher,
      { ...o, apiUrl: 'https://cal.example.com/' },
      { start: '2026-12-07T00:00:00Z', end: '2026-12-07T23:59:59Z', timeZone: 'Europe/Warsaw', eventTypeSlug: 'konsultacja', username: 'berta' },
    );
    expect(result).toEqual({ ok: true, slots: { '2026-12-07': [{ start: '2026-12-07T10:00:00.000+01:00', end: '2026-12-07T10:30:00.000+01:00' }] } });
    expect(Object.fromEntries(seen[0]!.url.searchParams)).toEqual({
      eventTypeSlug: 'konsultacja',
      username: 'berta',
      start: '2026-12-07T00:00:00Z',
      end: '2026-12-07T23:59:59Z',
      timeZone: 'Europe/Warsaw',
    });
  });

  it('an error envelope on slots: 404 → invalid with the message; 500 → unavailable', async () => {
    server.use(
      http.get('https://api.cal.com/v2/slots', () =>
        HttpResponse.json(envelope('/v2/slots', 'NotFoundException', 'Event type with id 2026302 not found'), { status: 404 }),
      ),
    );
    expect(await getCalcomSlots(fetcher, o, { start: '2026-12-07', end: '2026-12-08', timeZone: 'Europe/Warsaw' })).toEqual({
      ok: false,
      reason: 'invalid',
      message: 'NotFoundException: Event type with id 2026302 not found',
      retryable: false,
      statusCode: 404,
    });
    server.use(
      http.get('https://api.cal.com/v2/slots', () =>
        HttpResponse.json(envelope('/v2/slots', 'InternalServerErrorException', 'Something went wrong'), { status: 500 }),
      ),
    );
    expect(await getCalcomSlots(fetcher, o, { start: '2026-12-07', end: '2026-12-08', timeZone: 'Europe/Warsaw' })).toMatchObject({
      ok: false,
      reason: 'unavailable',
      retryable: true,
      statusCode: 500,
    });
  });
});

describe('Cal.com v2 bookings', () => {
  it('POST /v2/bookings with cal-api-version 2024-08-13: start in UTC, the attendee in Polish, metadata; the booking back', async () => {
    const seen: Seen[] = [];
    server.use(
      http.post('https://api.cal.com/v2/bookings', async ({ request }) => {
        await record(request, seen);
        const body = seen[0]!.body;
        return HttpResponse.json({ status: 'success', data: bookingData('bk_7Yq2s1', body.start) }, { status: 201 });
      }),
    );
    const result = await createCalcomBooking(fetcher, o, {
      start: '2026-12-07T10:00:00.000+01:00',
      attendee,
      metadata: { lead_id: 'L-42', source: 'chatfuel' },
      bookingFieldsResponses: { notes: 'Pakiet Premium' },
    });
    expect(result).toEqual({
      ok: true,
      booking: {
        id: 5021,
        uid: 'bk_7Yq2s1',
        start: '2026-12-07T09:00:00Z',
        end: '2026-12-07T09:30:00.000Z',
        status: 'accepted',
        meetingUrl: 'https://app.cal.com/video/d713v9w1d2krBptPtwUAnJ',
      },
    });
    const [call] = seen;
    expect(call!.headers['cal-api-version']).toBe('2024-08-13');
    expect(call!.headers.authorization).toBe('Bearer cal_live_0123456789abcdef');
    expect(call!.headers['content-type']).toBe('application/json');
    expect(call!.body).toEqual({
      start: '2026-12-07T09:00:00Z',
      eventTypeId: 2026302,
      attendee: { name: 'Anna Kowalska', email: 'anna@example.pl', timeZone: 'Europe/Warsaw', phoneNumber: '+48600100200', language: 'pl' },
      metadata: { lead_id: 'L-42', source: 'chatfuel' },
      bookingFieldsResponses: { notes: 'Pakiet Premium' },
    });
  });

  it('a taken slot (400 "already has booking") and a conflict (409) → taken, not retryable', async () => {
    const message = 'User either already has booking at this time or is not available';
    server.use(
      http.post('https://api.cal.com/v2/bookings', () => HttpResponse.json(envelope('/v2/bookings', 'BadRequestException', message), { status: 400 })),
    );
    expect(await createCalcomBooking(fetcher, o, { start: '2026-12-07T09:00:00Z', attendee })).toEqual({
      ok: false,
      reason: 'taken',
      message,
      retryable: false,
      statusCode: 400,
    });
    server.use(
      http.post('https://api.cal.com/v2/bookings', () =>
        HttpResponse.json(envelope('/v2/bookings', 'ConflictException', 'booking_conflict_error'), { status: 409, headers: { 'retry-after': '5' } }),
      ),
    );
    expect(await createCalcomBooking(fetcher, o, { start: '2026-12-07T09:00:00Z', attendee })).toEqual({
      ok: false,
      reason: 'taken',
      message: 'booking_conflict_error',
      retryable: false,
      statusCode: 409,
    });
    const outOfWindow =
      "The event type can't be booked at the \"start\" time provided. This could be because it's too soon (violating the minimum booking notice) or too far in the future (outside the event's scheduling window).";
    server.use(
      http.post('https://api.cal.com/v2/bookings', () => HttpResponse.json(envelope('/v2/bookings', 'BadRequestException', outOfWindow), { status: 400 })),
    );
    expect(await createCalcomBooking(fetcher, o, { start: '2026-12-07T09:00:00Z', attendee })).toMatchObject({ ok: false, reason: 'taken', retryable: false });
  });

  it('other refusals → invalid with the message; 429 and 5xx → unavailable and retryable; no answer → unavailable', async () => {
    server.use(
      http.post('https://api.cal.com/v2/bookings', () =>
        HttpResponse.json(envelope('/v2/bookings', 'BadRequestException', 'attendee.phoneNumber: invalid phone number'), { status: 400 }),
      ),
    );
    expect(await createCalcomBooking(fetcher, o, { start: '2026-12-07T09:00:00Z', attendee })).toEqual({
      ok: false,
      reason: 'invalid',
      message: 'BadRequestException: attendee.phoneNumber: invalid phone number',
      retryable: false,
      statusCode: 400,
    });
    server.use(
      http.post('https://api.cal.com/v2/bookings', () =>
        HttpResponse.json(envelope('/v2/bookings', 'UnauthorizedException', 'Invalid API Key'), { status: 401 }),
      ),
    );
    expect(await createCalcomBooking(fetcher, o, { start: '2026-12-07T09:00:00Z', attendee })).toMatchObject({
      ok: false,
      reason: 'invalid',
      message: 'UnauthorizedException: Invalid API Key',
      retryable: false,
    });
    server.use(
      http.post('https://api.cal.com/v2/bookings', () =>
        HttpResponse.json(envelope('/v2/bookings', 'ThrottlerException', 'Too Many Requests'), { status: 429, headers: { 'retry-after': '12' } }),
      ),
    );
    expect(await createCalcomBooking(fetcher, o, { start: '2026-12-07T09:00:00Z', attendee })).toEqual({
      ok: false,
      reason: 'unavailable',
      message: 'Too Many Requests',
      retryable: true,
      statusCode: 429,
      retryAfterSeconds: 12,
    });
    server.use(http.post('https://api.cal.com/v2/bookings', () => new HttpResponse('<html>Bad gateway</html>', { status: 502 })));
    expect(await createCalcomBooking(fetcher, o, { start: '2026-12-07T09:00:00Z', attendee })).toEqual({
      ok: false,
      reason: 'unavailable',
      message: 'HTTP 502',
      retryable: true,
      statusCode: 502,
    });
    server.use(http.post('https://api.cal.com/v2/bookings', () => HttpResponse.error()));
    expect(await createCalcomBooking(fetcher, o, { start: '2026-12-07T09:00:00Z', attendee })).toMatchObject({
      ok: false,
      reason: 'unavailable',
      retryable: true,
    });
  });

  it("refused before any request: a start that is not an instant, metadata over Cal.com's limits", async () => {
    let calls = 0;
    server.use(
      http.post('https://api.cal.com/v2/bookings', () => {
        calls++;
        return HttpResponse.json({});
      }),
    );
    expect(await createCalcomBooking(fetcher, o, { start: 'jutro o 9', attendee })).toMatchObject({ ok: false, reason: 'invalid', retryable: false });
    expect(await createCalcomBooking(fetcher, o, { start: '2026-12-07T09:00:00Z', attendee, metadata: { note: 'x'.repeat(501) } })).toMatchObject({
      ok: false,
      reason: 'invalid',
      message: 'metadata note is longer than 500 characters',
    });
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    expect(await createCalcomBooking(fetcher, o, { start: '2026-12-07T09:00:00Z', attendee, metadata: many })).toMatchObject({ ok: false, reason: 'invalid' });
    expect(calls).toBe(0);
  });

  it('POST /v2/bookings/{uid}/cancel with the reason and cal-api-version 2024-08-13', async () => {
    const seen: Seen[] = [];
    server.use(
      http.post('https://api.cal.com/v2/bookings/:uid/cancel', async ({ request, params }) => {
        await record(request, seen);
        return HttpResponse.json({
          status: 'success',
          data: { ...bookingData(String(params.uid), '2026-12-07T09:00:00.000Z', 'cancelled'), cancellationReason: seen[0]!.body.cancellationReason },
        });
      }),
    );
    const result = await cancelCalcomBooking(fetcher, o, 'bk_7Yq2s1', 'Klient zrezygnował w czacie');
    expect(result).toMatchObject({ ok: true, booking: { uid: 'bk_7Yq2s1', status: 'cancelled' } });
    expect(seen[0]!.url.pathname).toBe('/v2/bookings/bk_7Yq2s1/cancel');
    expect(seen[0]!.body).toEqual({ cancellationReason: 'Klient zrezygnował w czacie' });
    expect(seen[0]!.headers['cal-api-version']).toBe('2024-08-13');
    expect(seen[0]!.headers.authorization).toBe('Bearer cal_live_0123456789abcdef');

    server.use(
      http.post('https://api.cal.com/v2/bookings/:uid/cancel', () =>
        HttpResponse.json(envelope('/v2/bookings/nope/cancel', 'NotFoundException', 'Booking with uid=nope not found'), { status: 404 }),
      ),
    );
    expect(await cancelCalcomBooking(fetcher, o, 'nope', 'x')).toEqual({
      ok: false,
      reason: 'invalid',
      message: 'NotFoundException: Booking with uid=nope not found',
      retryable: false,
      statusCode: 404,
    });
  });

  it('an error envelope inside a 2xx answer is still an error', async () => {
    server.use(
      http.post('https://api.cal.com/v2/bookings', () => HttpResponse.json(envelope('/v2/bookings', 'BadRequestException', 'no_available_users_found_error'))),
    );
    expect(await createCalcomBooking(fetcher, o, { start: '2026-12-07T09:00:00Z', attendee })).toMatchObject({ ok: false, reason: 'taken', retryable: false });
  });
});
