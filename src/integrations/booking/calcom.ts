import { callProvider, type Fetcher, parseRetryAfter } from '../provider-call';

/**
 * Cal.com API v2: the free slots of an event type, booking one, cancelling it. Each endpoint is
 * versioned by the `cal-api-version` header, and an unversioned call falls back to 2024-04-15 with
 * older request and answer shapes, so every call names its version.
 */

/** The slots endpoint's current shape: a map of dates in the requested zone to their starts. */
export const CALCOM_SLOTS_API_VERSION = '2024-09-04';
/** Bookings: `attendee` object, `start` in UTC, `{status, data}` answers. */
export const CALCOM_BOOKINGS_API_VERSION = '2024-08-13';
export const CALCOM_API_URL = 'https://api.cal.com';

export interface CalcomOptions {
  apiUrl?: string;
  apiKey: string;
  eventTypeId: number;
  timeoutMs: number;
}

export interface CalcomSlot {
  /** ISO 8601 in the requested time zone, e.g. "2050-09-05T09:00:00.000+02:00". */
  start: string;
  end?: string;
}

export interface CalcomBooking {
  id: number;
  uid: string;
  start: string;
  end: string;
  status: string;
  meetingUrl?: string;
}

/**
 * taken: this time can no longer be booked (someone else took it, or it fell out of the booking
 * window): offer other slots. invalid: the request is wrong (key, event type, attendee, fields).
 * unavailable: Cal.com could not answer now; try again.
 */
export type CalcomFailure = {
  ok: false;
  reason: 'taken' | 'invalid' | 'unavailable';
  message: string;
  retryable: boolean;
  statusCode?: number;
  retryAfterSeconds?: number;
};
export type CalcomBookingResult = { ok: true; booking: CalcomBooking } | CalcomFailure;
export type CalcomSlotsResult = { ok: true; slots: Record<string, CalcomSlot[]> } | CalcomFailure;

export interface CalcomAttendee {
  name: string;
  email: string;
  /** IANA zone: Cal.com writes the confirmation in it. */
  timeZone: string;
  /** International format; Cal.com validates it. */
  phoneNumber?: string;
}

/** Free slots between `start` and `end` (dates or UTC instants), keyed by date in `timeZone`. */
export async function getCalcomSlots(
  fetcher: Fetcher,
  o: CalcomOptions,
  query: {
    start: string;
    end: string;
    timeZone: string;
    eventTypeSlug?: string;
    username?: string;
    duration?: number;
    /** `range`: each slot carries its `end` as well (the default `time` gives starts only). */
    format?: 'time' | 'range';
  },
): Promise<CalcomSlotsResult> {
  const params = new URLSearchParams();
  // A public event type can be named by slug and owner instead of the configured id.
  if (query.eventTypeSlug && query.username) {
    params.set('eventTypeSlug', query.eventTypeSlug);
    params.set('username', query.username);
  } else params.set('eventTypeId', String(o.eventTypeId));
  params.set('start', query.start);
  params.set('end', query.end);
  params.set('timeZone', query.timeZone);
  if (query.duration) params.set('duration', String(query.duration));
  if (query.format) params.set('format', query.format);
  const answer = await call(fetcher, o, new Request(`${base(o)}/v2/slots?${params}`, { headers: headers(o, CALCOM_SLOTS_API_VERSION) }));
  if (!answer.ok) return answer;
  const data = (answer.body as { data?: unknown } | undefined)?.data;
  if (!data || typeof data !== 'object' || Array.isArray(data)) return unavailable('Cal.com answered the slots without data', answer.statusCode);
  const slots: Record<string, CalcomSlot[]> = {};
  for (const [date, list] of Object.entries(data as Record<string, Array<{ start: string; end?: string }>>)) {
    slots[date] = (Array.isArray(list) ? list : []).map((s) => (s.end ? { start: s.start, end: s.end } : { start: s.start }));
  }
  return { ok: true, slots };
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Cal.com's metadata limits: 50 keys, keys up to 40 characters, string values up to 500. */
const METADATA_KEYS = 50;
const METADATA_KEY_LENGTH = 40;
const METADATA_VALUE_LENGTH = 500;

/** Books `start` (any ISO 8601 instant; sent in UTC) for the attendee, in Polish. */
export async function createCalcomBooking(
  fetcher: Fetcher,
  o: CalcomOptions,
  input: {
    start: string;
    attendee: CalcomAttendee;
    metadata?: Record<string, string | number | boolean>;
    bookingFieldsResponses?: Record<string, unknown>;
    lengthInMinutes?: number;
  },
): Promise<CalcomBookingResult> {
  // Date.parse alone accepts almost anything ("jutro o 9" included): an instant needs its zone.
  const at = ISO_INSTANT.test(input.start) ? Date.parse(input.start) : Number.NaN;
  if (Number.isNaN(at)) return invalid(`start is not an ISO 8601 instant with a zone: ${input.start}`);
  const metadata = input.metadata ?? {};
  const problem = metadataProblem(metadata);
  if (problem) return invalid(problem);
  const body = {
    start: new Date(at).toISOString().replace('.000Z', 'Z'),
    eventTypeId: o.eventTypeId,
    attendee: {
      name: input.attendee.name,
      email: input.attendee.email,
      timeZone: input.attendee.timeZone,
      ...(input.attendee.phoneNumber ? { phoneNumber: input.attendee.phoneNumber } : {}),
      language: 'pl',
    },
    ...(input.lengthInMinutes ? { lengthInMinutes: input.lengthInMinutes } : {}),
    metadata,
    ...(input.bookingFieldsResponses ? { bookingFieldsResponses: input.bookingFieldsResponses } : {}),
  };
  const request = new Request(`${base(o)}/v2/bookings`, { method: 'POST', headers: headers(o, CALCOM_BOOKINGS_API_VERSION), body: JSON.stringify(body) });
  return bookingAnswer(await call(fetcher, o, request));
}

export async function cancelCalcomBooking(fetcher: Fetcher, o: CalcomOptions, uid: string, cancellationReason: string): Promise<CalcomBookingResult> {
  const request = new Request(`${base(o)}/v2/bookings/${encodeURIComponent(uid)}/cancel`, {
    method: 'POST',
    headers: headers(o, CALCOM_BOOKINGS_API_VERSION),
    body: JSON.stringify({ cancellationReason }),
  });
  return bookingAnswer(await call(fetcher, o, request));
}

/** A booking as the list answers it, with what finding one of ours needs: its metadata, attendees and host. */
export interface CalcomListedBooking extends CalcomBooking {
  metadata: Record<string, unknown>;
  attendeeEmails: string[];
  hostName?: string;
}
export type CalcomListResult = { ok: true; bookings: CalcomListedBooking[]; hasMore: boolean } | CalcomFailure;

/**
 * The configured event type's bookings (GET /v2/bookings, 2024-08-13), filtered by attendee email and
 * start/end, `take` at a time from `skip`. Cal.com cannot filter by metadata: the caller looks through
 * the page. `hasMore` comes from `pagination.hasNextPage` when Cal.com sends it, else from a full page.
 */
export async function listCalcomBookings(
  fetcher: Fetcher,
  o: CalcomOptions,
  query: {
    attendeeEmail?: string;
    afterStart?: string;
    beforeEnd?: string;
    status?: Array<'upcoming' | 'recurring' | 'past' | 'cancelled' | 'unconfirmed'>;
    take?: number;
    skip?: number;
  },
): Promise<CalcomListResult> {
  const take = Math.min(Math.max(query.take ?? 100, 1), 250);
  const params = new URLSearchParams({ eventTypeId: String(o.eventTypeId) });
  if (query.attendeeEmail) params.set('attendeeEmail', query.attendeeEmail);
  if (query.afterStart) params.set('afterStart', query.afterStart);
  if (query.beforeEnd) params.set('beforeEnd', query.beforeEnd);
  if (query.status?.length) params.set('status', query.status.join(','));
  params.set('take', String(take));
  params.set('skip', String(query.skip ?? 0));
  const answer = await call(fetcher, o, new Request(`${base(o)}/v2/bookings?${params}`, { headers: headers(o, CALCOM_BOOKINGS_API_VERSION) }));
  if (!answer.ok) return answer;
  const body = answer.body as { data?: unknown; pagination?: { hasNextPage?: unknown } } | undefined;
  if (!Array.isArray(body?.data)) return unavailable('Cal.com answered the bookings without a list', answer.statusCode);
  const bookings: CalcomListedBooking[] = [];
  for (const raw of body.data as Array<Record<string, unknown>>) {
    if (!raw || typeof raw.uid !== 'string' || typeof raw.id !== 'number') continue;
    const attendees = Array.isArray(raw.attendees) ? (raw.attendees as Array<{ email?: unknown }>) : [];
    const hosts = Array.isArray(raw.hosts) ? (raw.hosts as Array<{ name?: unknown }>) : [];
    const metadata = raw.metadata && typeof raw.metadata === 'object' && !Array.isArray(raw.metadata) ? (raw.metadata as Record<string, unknown>) : {};
    bookings.push({
      id: raw.id,
      uid: raw.uid,
      start: String(raw.start),
      end: String(raw.end),
      status: String(raw.status),
      ...(typeof raw.meetingUrl === 'string' ? { meetingUrl: raw.meetingUrl } : {}),
      metadata,
      attendeeEmails: attendees.map((a) => (typeof a.email === 'string' ? a.email : '')).filter(Boolean),
      ...(typeof hosts[0]?.name === 'string' ? { hostName: hosts[0].name } : {}),
    });
  }
  const next = body.pagination?.hasNextPage;
  return { ok: true, bookings, hasMore: typeof next === 'boolean' ? next : body.data.length >= take };
}

const base = (o: CalcomOptions) => (o.apiUrl ?? CALCOM_API_URL).replace(/\/+$/, '');
const headers = (o: CalcomOptions, version: string) => ({
  authorization: `Bearer ${o.apiKey}`,
  'cal-api-version': version,
  'content-type': 'application/json',
});

function bookingAnswer(answer: { ok: true; statusCode: number; body: unknown } | CalcomFailure): CalcomBookingResult {
  if (!answer.ok) return answer;
  const data = (answer.body as { data?: unknown } | undefined)?.data;
  // Recurring and seated bookings answer with a list; the first occurrence names the booking.
  const b = (Array.isArray(data) ? data[0] : data) as Partial<CalcomBooking> | undefined;
  if (!b || typeof b.uid !== 'string' || typeof b.id !== 'number') return unavailable('Cal.com answered without the booking', answer.statusCode);
  return {
    ok: true,
    booking: {
      id: b.id,
      uid: b.uid,
      start: String(b.start),
      end: String(b.end),
      status: String(b.status),
      ...(b.meetingUrl ? { meetingUrl: b.meetingUrl } : {}),
    },
  };
}

/**
 * What Cal.com says when the time cannot be booked. API v2 turns the booking engine's codes into
 * 400s with these messages (no available users / hosts, outside the booking window, in the past),
 * and conflicts into 409.
 */
const TAKEN = [
  /already has booking at this time or is not available/i,
  /no_available_users_found_error|no available users/i,
  /hosts?_unavailable_for_booking|round_robin_host_unavailable/i,
  /booking_conflict_error|booking_seats_full_error|not_enough_available_seats_error/i,
  /can't be booked at the "start" time/i,
  /booking_time_out_of_bounds_error/i,
  /book a meeting in the past/i,
];

/** The call through callProvider, with Cal.com's error envelope read from the whole failed answer. */
async function call(fetcher: Fetcher, o: CalcomOptions, request: Request): Promise<{ ok: true; statusCode: number; body: unknown } | CalcomFailure> {
  const answer: { failedText?: string; retryAfter?: string | null } = {};
  const result = await callProvider(
    async (r) => {
      const res = await fetcher(r);
      if (!res.ok) {
        answer.failedText = await res.clone().text();
        answer.retryAfter = res.headers.get('retry-after');
      }
      return res;
    },
    request,
    { timeoutMs: o.timeoutMs },
  );
  if (result.ok) {
    const status = (result.body as { status?: string } | undefined)?.status;
    if (status === 'error') return failure(result.statusCode, result.body, false);
    return { ok: true, statusCode: result.statusCode, body: result.body };
  }
  if (answer.failedText === undefined) return { ok: false, reason: 'unavailable', message: result.error, retryable: true };
  let body: unknown;
  try {
    body = JSON.parse(answer.failedText);
  } catch {
    body = undefined;
  }
  const failed = failure(result.statusCode, body, result.retryable);
  const retryAfterSeconds = result.retryAfterSeconds ?? parseRetryAfter(answer.retryAfter ?? null);
  return failed.retryable && retryAfterSeconds !== undefined ? { ...failed, retryAfterSeconds } : failed;
}

function failure(statusCode: number | undefined, body: unknown, retryable: boolean): CalcomFailure {
  const envelope = body as { error?: { code?: string; message?: unknown }; message?: unknown } | undefined;
  const raw = envelope?.error?.message ?? envelope?.message;
  // Validation errors may carry a list of messages.
  const message = (Array.isArray(raw) ? raw.join('; ') : typeof raw === 'string' ? raw : `HTTP ${statusCode}`).slice(0, 500);
  const code = envelope?.error?.code;
  if (statusCode === 409 || code === 'ConflictException' || TAKEN.some((t) => t.test(message)))
    return { ok: false, reason: 'taken', message, retryable: false, statusCode };
  if (retryable) return { ok: false, reason: 'unavailable', message, retryable: true, statusCode };
  return { ok: false, reason: 'invalid', message: code ? `${code}: ${message}` : message, retryable: false, statusCode };
}

function metadataProblem(metadata: Record<string, string | number | boolean>): string | undefined {
  const entries = Object.entries(metadata);
  if (entries.length > METADATA_KEYS) return `metadata has ${entries.length} keys; Cal.com takes at most ${METADATA_KEYS}`;
  for (const [key, value] of entries) {
    if (key.length > METADATA_KEY_LENGTH) return `metadata key ${key.slice(0, 50)} is longer than ${METADATA_KEY_LENGTH} characters`;
    if (typeof value === 'string' && value.length > METADATA_VALUE_LENGTH) return `metadata ${key} is longer than ${METADATA_VALUE_LENGTH} characters`;
  }
  return undefined;
}

const invalid = (message: string): CalcomFailure => ({ ok: false, reason: 'invalid', message, retryable: false });
const unavailable = (message: string, statusCode?: number): CalcomFailure => ({ ok: false, reason: 'unavailable', message, retryable: true, statusCode });
