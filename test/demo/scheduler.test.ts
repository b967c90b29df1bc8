import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { and, eq } from 'drizzle-orm';
import { HttpResponse, http } from 'msw';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { deliveries, leadEvents } from '../../src/db/schema';
import { freeSlots } from '../../src/domain/availability';
import { DemoHostSchema } from '../../src/domain/demo-hosts';
import { newId } from '../../src/domain/ids';
import { DEFAULT_WORKSPACE_ID } from '../../src/domain/workspace';
import { schedulerFor } from '../../src/durable-objects/scheduler';
import { GoogleCalendar, googleEventId } from '../../src/integrations/calendar/google';
import { database, eventually, uniqueEmail } from '../support/api';
import { server } from '../support/msw';
import { berlinSlot, book, demoSiteverify, settle } from './support';

beforeEach(() => server.use(demoSiteverify));
afterAll(settle);

const MINUTE = 60_000;

describe('the reminder alarm', () => {
  it('fires once per booking: email, and SMS when consented, even if the alarm runs again', async () => {
    const start = berlinSlot(0, '10:00');
    const { res, body } = await book(start, { email: uniqueEmail('remind'), phone: '+14155550123', consent: { sms: true } });
    expect(res.status).toBe(201);
    const stub = schedulerFor(env.SCHEDULER, DEFAULT_WORKSPACE_ID, 'berlin');
    await runInDurableObject(stub, async (_instance, state) => {
      expect(await state.storage.getAlarm()).toBe(start - 60 * MINUTE); // DEMO_REMINDER_MINUTES_BEFORE
      state.storage.sql.exec('UPDATE bookings SET reminder_at = ? WHERE id = ?', Date.now() - 1000, body.booking_id);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    // A retried alarm that lost its "sent" mark sends the same event id: applied once downstream.
    await runInDurableObject(stub, async (instance, state) => {
      state.storage.sql.exec('UPDATE bookings SET reminder_sent_at = NULL WHERE id = ?', body.booking_id);
      await instance.alarm();
      await instance.alarm();
    });

    const { db, close } = database();
    try {
      const reminders = () => db.select().from(leadEvents).where(eq(leadEvents.type, 'demo_reminder_sent'));
      const mine = async () => (await reminders()).filter((e) => (e.payload as any).booking_id === body.booking_id);
      const [event] = await eventually(async () => ((await mine()).length ? mine() : null));
      const sent = await eventually(async () => {
        const rows = await db.select().from(deliveries).where(eq(deliveries.eventId, event!.id));
        return rows.length === 2 ? rows : null;
      });
      expect(sent.map((d) => `${d.destination}:${d.key}`).sort()).toEqual(['email:demo_reminder', 'sms:demo_reminder']);
      expect((sent.find((d) => d.destination === 'sms')!.payload as any).to).toBe('+14155550123');
      await new Promise((r) => setTimeout(r, 1000));
      expect(await mine()).toHaveLength(1);
      expect(
        await db
          .select()
          .from(deliveries)
          .where(and(eq(deliveries.eventId, event!.id))),
      ).toHaveLength(2);
    } finally {
      await close();
    }
  });
});

describe('Google Calendar adapter', () => {
  const config = loadConfig(env);
  const calendarId = 'berta.host@example.com';

  it('asks freeBusy for the busy times, which availability subtracts', async () => {
    const monday = berlinSlot(1, '00:00');
    const busyStart = berlinSlot(1, '10:00');
    const seen: any[] = [];
    server.use(
      http.post('https://www.googleapis.com/calendar/v3/freeBusy', async ({ request }) => {
        seen.push({ auth: request.headers.get('authorization'), body: await request.json() });
        const body = seen.at(-1).body;
        return HttpResponse.json({
          kind: 'calendar#freeBusy',
          timeMin: body.timeMin,
          timeMax: body.timeMax,
          calendars: { [calendarId]: { busy: [{ start: new Date(busyStart).toISOString(), end: new Date(busyStart + 60 * MINUTE).toISOString() }] } },
        });
      }),
    );
    const busy = await new GoogleCalendar(calendarId, {
      accessToken: config.calendar.google.accessToken!,
      apiUrl: config.calendar.google.apiUrl,
      timeoutMs: config.delivery.timeoutMs,
    }).busy(monday, monday + 86_400_000);
    expect(seen[0]).toEqual({
      auth: 'Bearer ya29.test-google-token',
      body: { timeMin: new Date(monday).toISOString(), timeMax: new Date(monday + 86_400_000).toISOString(), items: [{ id: calendarId }] },
    });
    const host = config.demo.hosts[0]!;
    const slots = freeSlots({ schedule: host, from: monday, to: monday + 86_400_000, now: Date.now(), busy, booked: [] }).map((s) => s.start);
    expect(slots).toContain(busyStart - 30 * MINUTE);
    expect(slots).not.toContain(busyStart);
    expect(slots).not.toContain(busyStart + 30 * MINUTE);
    expect(slots).toContain(busyStart + 60 * MINUTE);
  });

  it('refuses to treat an unreadable calendar as free', async () => {
    server.use(
      http.post('https://www.googleapis.com/calendar/v3/freeBusy', () =>
        HttpResponse.json({ kind: 'calendar#freeBusy', calendars: { [calendarId]: { errors: [{ domain: 'global', reason: 'notFound' }], busy: [] } } }),
      ),
    );
    await expect(
      new GoogleCalendar(calendarId, {
        accessToken: config.calendar.google.accessToken!,
        apiUrl: config.calendar.google.apiUrl,
        timeoutMs: config.delivery.timeoutMs,
      }).busy(0, 1),
    ).rejects.toThrow(/notFound/);
  });

  it("writes the booking into the host's calendar from the Scheduler's alarm, retrying a failure", async () => {
    const host = DemoHostSchema.parse({ ...config.demo.hosts[0], id: 'google-host', google_calendar_id: calendarId });
    const start = berlinSlot(2, '10:00');
    const inserted: any[] = [];
    let failures = 1;
    server.use(
      http.post('https://www.googleapis.com/calendar/v3/calendars/:calendarId/events', async ({ request, params }) => {
        expect(decodeURIComponent(String(params.calendarId))).toBe(calendarId);
        if (failures-- > 0) return HttpResponse.json({ error: { code: 503, message: 'Backend Error' } }, { status: 503 });
        inserted.push({ url: request.url, body: await request.json() });
        const body = inserted.at(-1).body;
        return HttpResponse.json({
          kind: 'calendar#event',
          id: body.id,
          status: 'confirmed',
          htmlLink: 'https://www.google.com/calendar/event?eid=x',
          ...body,
        });
      }),
    );
    const id = newId();
    const stub = schedulerFor(env.SCHEDULER, DEFAULT_WORKSPACE_ID, host.id);
    const email = uniqueEmail('google');
    const result = await stub.book({
      workspaceId: DEFAULT_WORKSPACE_ID,
      host,
      start,
      now: Date.now(),
      busy: [],
      reminderMinutes: 60,
      booking: {
        id,
        visitor_time_zone: 'UTC',
        contact: { email, email_normalized: email, name: 'Jane Doe', touch: { source: 'demo_request', at: new Date().toISOString() } },
        cancel_url: 'x',
        reschedule_url: 'y',
        created_at: new Date().toISOString(),
      },
    });
    expect(result.ok).toBe(true);
    // The alarm runs right away on its own; Google's 503 keeps the write for a retry with backoff.
    await eventually(() =>
      runInDurableObject(
        stub,
        (_i, state) => state.storage.sql.exec<{ n: number }>('SELECT calendar_attempts AS n FROM bookings WHERE id = ?', id).one().n === 1,
      ),
    );
    expect(inserted).toHaveLength(0);
    await runInDurableObject(stub, async (instance, state) => {
      state.storage.sql.exec('UPDATE bookings SET calendar_after = 0 WHERE id = ?', id);
      await instance.alarm();
    });
    expect(inserted).toHaveLength(1);
    expect(new URL(inserted[0].url).searchParams.get('sendUpdates')).toBe('none');
    expect(inserted[0].body).toMatchObject({
      id: googleEventId(id),
      start: { dateTime: new Date(start).toISOString() },
      end: { dateTime: new Date(start + 30 * MINUTE).toISOString() },
      attendees: [{ email, displayName: 'Jane Doe' }],
    });
    await runInDurableObject(stub, (instance) => instance.alarm());
    expect(inserted).toHaveLength(1); // written once
  });
});

describe('minimum notice for changes', () => {
  it('refuses to cancel or move a demo inside DEMO_CANCEL_MIN_NOTICE_MINUTES', async () => {
    const start = berlinSlot(3, '10:00');
    const { body } = await book(start);
    const stub = schedulerFor(env.SCHEDULER, DEFAULT_WORKSPACE_ID, 'berlin');
    const host = loadConfig(env).demo.hosts[0]!;
    const soon = start - 90 * MINUTE; // 90 minutes before, the rule asks for 120
    expect((await stub.cancel({ bookingId: body.booking_id, now: soon, minNoticeMinutes: 120 })).state).toBe('too_late');
    const moved = await stub.reschedule({
      workspaceId: DEFAULT_WORKSPACE_ID,
      bookingId: body.booking_id,
      host,
      start: berlinSlot(3, '12:00'),
      now: soon,
      busy: [],
      minNoticeMinutes: 120,
      reminderMinutes: 60,
    });
    expect(moved.state).toBe('too_late');
    expect((await stub.listBookings()).find((b) => b.id === body.booking_id)).toMatchObject({
      status: 'confirmed',
      sequence: 0,
      start: new Date(start).toISOString(),
    });
  });
});
