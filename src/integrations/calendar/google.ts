import type { Interval } from '../../domain/availability';
import type { CalendarEvent, HostCalendar } from './types';

/** POST /freeBusy answer (https://developers.google.com/calendar/api/v3/reference/freebusy/query). */
interface FreeBusyResponse {
  kind: 'calendar#freeBusy';
  calendars: Record<string, { busy?: { start: string; end: string }[]; errors?: { domain: string; reason: string }[] }>;
}

export class CalendarError extends Error {
  override name = 'CalendarError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Google event ids allow base32hex (0-9, a-v): a UUID without dashes qualifies, so the booking names its event. */
export const googleEventId = (bookingId: string) => bookingId.replaceAll('-', '').toLowerCase();

/**
 * Google Calendar v3 with a bearer token: freeBusy for the host's busy times; events written with
 * sendUpdates=none because Leadgate sends the invites itself (one .ics, one UID).
 */
export class GoogleCalendar implements HostCalendar {
  readonly kind = 'google' as const;

  constructor(
    private readonly calendarId: string,
    private readonly config: { accessToken: string; apiUrl: string; timeoutMs: number },
    private readonly fetcher: typeof fetch = (...args) => fetch(...args),
  ) {}

  async busy(from: number, to: number): Promise<Interval[]> {
    const res = await this.call('POST', '/freeBusy', {
      timeMin: new Date(from).toISOString(),
      timeMax: new Date(to).toISOString(),
      items: [{ id: this.calendarId }],
    });
    const body = (await res.json()) as FreeBusyResponse;
    const calendar = body.calendars?.[this.calendarId];
    // A calendar Google cannot read must not look free: refuse rather than double-book.
    if (!calendar || calendar.errors?.length)
      throw new CalendarError(`freeBusy error: ${calendar?.errors?.map((e) => e.reason).join(',') ?? 'missing calendar'}`);
    return (calendar.busy ?? []).map((b) => ({ start: Date.parse(b.start), end: Date.parse(b.end) }));
  }

  async saveEvent(event: CalendarEvent): Promise<void> {
    const id = googleEventId(event.booking_id);
    const body = {
      summary: event.summary,
      description: event.description,
      start: { dateTime: new Date(event.start).toISOString() },
      end: { dateTime: new Date(event.end).toISOString() },
      attendees: [{ email: event.attendee.email, ...(event.attendee.name ? { displayName: event.attendee.name } : {}) }],
    };
    const inserted = await this.call('POST', `/calendars/${encodeURIComponent(this.calendarId)}/events?sendUpdates=none`, { id, ...body }, [409]);
    // 409: the event exists (a retry, or a reschedule): move it instead.
    if (inserted.status === 409) {
      await this.call('PATCH', `/calendars/${encodeURIComponent(this.calendarId)}/events/${id}?sendUpdates=none`, { ...body, status: 'confirmed' });
    }
  }

  async removeEvent(bookingId: string): Promise<void> {
    await this.call('DELETE', `/calendars/${encodeURIComponent(this.calendarId)}/events/${googleEventId(bookingId)}?sendUpdates=none`, undefined, [404, 410]);
  }

  private async call(method: string, path: string, body: unknown, accepted: number[] = []): Promise<Response> {
    const res = await this.fetcher(`${this.config.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.config.accessToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(this.config.timeoutMs),
    });
    if (!res.ok && !accepted.includes(res.status)) {
      await res.body?.cancel();
      throw new CalendarError(`Google Calendar ${method} answered ${res.status}`, res.status);
    }
    return res;
  }
}
