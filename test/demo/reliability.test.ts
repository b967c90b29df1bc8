import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { and, eq } from 'drizzle-orm';
import { HttpResponse, http } from 'msw';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { deliveries, demoBookings } from '../../src/db/schema';
import { type DemoHost, DemoHostSchema } from '../../src/domain/demo-hosts';
import { newId } from '../../src/domain/ids';
import { DEFAULT_WORKSPACE_ID } from '../../src/domain/workspace';
import { demoGuard } from '../../src/durable-objects/demo-guard';
import { type Scheduler, schedulerFor } from '../../src/durable-objects/scheduler';
import { hostFreeSlots } from '../../src/services/demo-availability';
import { call, database, eventually, postJson, uniqueEmail } from '../support/api';
import { server } from '../support/msw';
import { berlinSlot, book, demoRequest, demoSiteverify, pathOf, settle } from './support';

beforeEach(() => server.use(demoSiteverify));
afterAll(settle);

const MINUTE = 60_000;
const config = loadConfig(env);

/** A host of its own (Berlin's week) per test, so each test owns its Scheduler. */
function ownHost(over: Partial<DemoHost> = {}): DemoHost {
  return DemoHostSchema.parse({ ...config.demo.hosts[0], id: `t-${crypto.randomUUID().slice(0, 8)}`, ...over });
}

function newBooking(prefix: string) {
  const email = uniqueEmail(prefix);
  const now = new Date().toISOString();
  return {
    id: newId(),
    visitor_time_zone: 'UTC',
    contact: { email, email_normalized: email, name: 'Jane Doe', company: 'Acme', touch: { source: 'demo_request' as const, at: now } },
    cancel_url: 'https://api.example.com/c',
    reschedule_url: 'https://api.example.com/r',
    created_at: now,
  };
}

type Row = {
  pending_event: string | null;
  reminder_at: number | null;
  reminder_sent_at: number | null;
  reminder_attempts: number;
  calendar_sync: string | null;
};
const rowOf = (stub: DurableObjectStub<Scheduler>, id: string) =>
  runInDurableObject(stub, (_i, state) =>
    state.storage.sql.exec<Row>('SELECT pending_event, reminder_at, reminder_sent_at, reminder_attempts, calendar_sync FROM bookings WHERE id = ?', id).one(),
  );

/** Makes the object's queue fail (or do something first) while `hook` says so; returns the undo. */
async function interceptQueue(stub: DurableObjectStub<Scheduler>, hook: (body: any, instance: Scheduler) => Promise<void> | void) {
  await runInDurableObject(stub, (instance) => {
    const real = env.EVENTS_QUEUE;
    const queue = {
      send: async (body: any, opts?: QueueSendOptions) => {
        await hook(body, instance);
        return real.send(body, opts);
      },
      sendBatch: async (messages: Iterable<MessageSendRequest<any>>, opts?: QueueSendBatchOptions) => {
        for (const m of messages) await hook(m.body, instance);
        return real.sendBatch(messages, opts);
      },
    };
    (instance as any).env = Object.assign(Object.create(env), { EVENTS_QUEUE: queue });
  });
  return () =>
    runInDurableObject(stub, (instance) => {
      (instance as any).env = env;
    });
}

describe('the Scheduler outbox', () => {
  it('keeps a booking and a cancellation whose event could not be queued, and delivers them from the alarm', async () => {
    const host = ownHost();
    const stub = schedulerFor(env.SCHEDULER, DEFAULT_WORKSPACE_ID, host.id);
    const start = berlinSlot(2, '14:00');
    const booking = newBooking('outbox');
    let down = true;
    const undo = await interceptQueue(stub, () => {
      if (down) throw new Error('queue unavailable');
    });

    const result = await stub.book({ workspaceId: DEFAULT_WORKSPACE_ID, host, start, now: Date.now(), busy: [], reminderMinutes: 60, booking });
    expect(result.ok).toBe(true);
    const pending = JSON.parse((await rowOf(stub, booking.id)).pending_event!);
    expect(pending.map((e: any) => e.type)).toEqual(['demo.booked']);
    const alarmAt = await runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
    expect(alarmAt).not.toBeNull();
    expect(alarmAt! - Date.now()).toBeLessThanOrEqual(31_000);

    down = false;
    const due = () => runInDurableObject(stub, (_i, state) => void state.storage.sql.exec('UPDATE bookings SET pending_after = 0 WHERE id = ?', booking.id));
    await due();
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await rowOf(stub, booking.id)).pending_event).toBeNull();

    const { db, close } = database();
    try {
      const row = await eventually(async () => (await db.select().from(demoBookings).where(eq(demoBookings.id, booking.id)))[0]);
      expect(row).toMatchObject({ hostId: host.id, status: 'confirmed', sequence: 0 });
      const invites = await eventually(async () => {
        const rows = await db.select().from(deliveries).where(eq(deliveries.eventId, booking.id));
        return rows.length >= 2 ? rows : null;
      });
      expect(invites.map((d) => d.key)).toEqual(expect.arrayContaining(['demo_invite', 'demo_invite_host']));

      // The cancellation: freed in the Scheduler at once, announced once the queue is back.
      down = true;
      const cancelled = await stub.cancel({ bookingId: booking.id, now: Date.now(), minNoticeMinutes: 0 });
      expect(cancelled.state).toBe('cancelled');
      expect(JSON.parse((await rowOf(stub, booking.id)).pending_event!).map((e: any) => e.type)).toEqual(['demo.cancelled']);
      down = false;
      await due();
      expect(await runDurableObjectAlarm(stub)).toBe(true);
      const gone = await eventually(
        async () =>
          (
            await db
              .select()
              .from(demoBookings)
              .where(and(eq(demoBookings.id, booking.id), eq(demoBookings.status, 'cancelled')))
          )[0],
      );
      expect(gone.sequence).toBe(1);
      await eventually(async () =>
        (await db.select().from(deliveries).where(eq(deliveries.key, 'demo_cancelled'))).find((d) => (d.payload as any).data.booking_id === booking.id),
      );
    } finally {
      await close();
      await undo();
    }
  });

  it('books over HTTP when the queue is down, and the alarm sends the invites later', async () => {
    const start = berlinSlot(13, '10:00');
    const stub = schedulerFor(env.SCHEDULER, DEFAULT_WORKSPACE_ID, 'berlin');
    let down = true;
    const undo = await interceptQueue(stub, () => {
      if (down) throw new Error('queue unavailable');
    });
    try {
      const { res, body } = await book(start);
      expect(res.status).toBe(201);
      expect((await book(start)).res.status).toBe(409); // the slot is taken, not given back
      expect(JSON.parse((await rowOf(stub, body.booking_id)).pending_event!)[0].type).toBe('demo.booked');
      down = false;
      await runInDurableObject(stub, (instance, state) => {
        state.storage.sql.exec('UPDATE bookings SET pending_after = 0 WHERE id = ?', body.booking_id);
        return instance.alarm();
      });
      const { db, close } = database();
      try {
        await eventually(async () => (await db.select().from(demoBookings).where(eq(demoBookings.id, body.booking_id)))[0]);
      } finally {
        await close();
      }
    } finally {
      await undo();
    }
  });
});

describe('the Scheduler alarm', () => {
  it('does not mark a reminder sent when the booking moved while it was being sent', async () => {
    const host = ownHost();
    const stub = schedulerFor(env.SCHEDULER, DEFAULT_WORKSPACE_ID, host.id);
    const booking = newBooking('race');
    expect(
      (await stub.book({ workspaceId: DEFAULT_WORKSPACE_ID, host, start: berlinSlot(3, '10:00'), now: Date.now(), busy: [], reminderMinutes: 60, booking })).ok,
    ).toBe(true);
    await runInDurableObject(
      stub,
      (_i, state) => void state.storage.sql.exec('UPDATE bookings SET reminder_at = ? WHERE id = ?', Date.now() - 1000, booking.id),
    );
    let moved = false;
    const undo = await interceptQueue(stub, async (body, instance) => {
      if (body.type !== 'demo.reminder_due' || moved) return;
      moved = true;
      // While the reminder is on its way, the prospect moves the demo to another day.
      const r = await instance.reschedule({
        workspaceId: DEFAULT_WORKSPACE_ID,
        bookingId: booking.id,
        host,
        start: berlinSlot(5, '10:00'),
        now: Date.now(),
        busy: [],
        minNoticeMinutes: 0,
        reminderMinutes: 60,
      });
      expect(r.state).toBe('rescheduled');
    });
    try {
      await runInDurableObject(stub, (instance) => instance.alarm());
      expect(moved).toBe(true);
      const row = await rowOf(stub, booking.id);
      expect(row.reminder_sent_at).toBeNull(); // the new slot's reminder is still to come
      expect(row.reminder_at).toBe(berlinSlot(5, '10:00') - 60 * MINUTE);
    } finally {
      await undo();
    }
  });

  it('keeps a calendar removal asked for while the calendar entry was being written', async () => {
    const calendarId = 'race.host@example.com';
    const host = ownHost({ google_calendar_id: calendarId });
    const stub = schedulerFor(env.SCHEDULER, DEFAULT_WORKSPACE_ID, host.id);
    const booking = newBooking('calrace');
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    server.use(
      http.post('https://www.googleapis.com/calendar/v3/calendars/:calendarId/events', async ({ request }) => {
        seen.push('save');
        await gate; // the alarm waits here while the cancel comes in
        const body = (await request.json()) as any;
        return HttpResponse.json({ kind: 'calendar#event', status: 'confirmed', ...body });
      }),
      http.delete('https://www.googleapis.com/calendar/v3/calendars/:calendarId/events/:eventId', () => {
        seen.push('remove');
        return new HttpResponse(null, { status: 204 });
      }),
    );
    expect(
      (await stub.book({ workspaceId: DEFAULT_WORKSPACE_ID, host, start: berlinSlot(4, '10:00'), now: Date.now(), busy: [], reminderMinutes: 60, booking })).ok,
    ).toBe(true);
    // The alarm starts writing the entry on its own; cancel while Google is still answering.
    await eventually(async () => seen.includes('save'));
    const result = await stub.cancel({ bookingId: booking.id, now: Date.now(), minNoticeMinutes: 0 });
    expect(result.state).toBe('cancelled');
    release();
    await eventually(async () => seen.includes('remove') || (await rowOf(stub, booking.id)).calendar_sync === 'remove');
    await runInDurableObject(stub, async (instance, state) => {
      state.storage.sql.exec('UPDATE bookings SET calendar_after = 0 WHERE id = ?', booking.id);
      await instance.alarm();
    });
    expect(seen).toContain('remove');
    expect((await rowOf(stub, booking.id)).calendar_sync).toBeNull();
  });

  it('goes on after a reminder that cannot be sent, retries it later and stays armed', async () => {
    const host = ownHost();
    const stub = schedulerFor(env.SCHEDULER, DEFAULT_WORKSPACE_ID, host.id);
    const failing = newBooking('fail');
    const fine = newBooking('fine');
    for (const [b, t] of [
      [failing, '10:00'],
      [fine, '11:00'],
    ] as const) {
      expect(
        (await stub.book({ workspaceId: DEFAULT_WORKSPACE_ID, host, start: berlinSlot(6, t), now: Date.now(), busy: [], reminderMinutes: 60, booking: b })).ok,
      ).toBe(true);
    }
    const undo = await interceptQueue(stub, (body) => {
      if (body.type === 'demo.reminder_due' && body.booking.id === failing.id) throw new Error('queue unavailable');
    });
    try {
      const before = Date.now();
      await runInDurableObject(stub, async (instance, state) => {
        state.storage.sql.exec('UPDATE bookings SET reminder_at = ? WHERE id IN (?, ?)', Date.now() - 1000, failing.id, fine.id);
        await instance.alarm();
      });
      expect((await rowOf(stub, fine.id)).reminder_sent_at).not.toBeNull();
      const failed = await rowOf(stub, failing.id);
      expect(failed.reminder_sent_at).toBeNull();
      expect(failed.reminder_attempts).toBe(1);
      expect(failed.reminder_at).toBeGreaterThan(before);
      const alarmAt = await runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
      expect(alarmAt).toBe(failed.reminder_at);
    } finally {
      await undo();
    }
  });

  it('marks a reminder that is already due at booking time as sent (the invite is the reminder)', async () => {
    const host = ownHost();
    const stub = schedulerFor(env.SCHEDULER, DEFAULT_WORKSPACE_ID, host.id);
    const booking = newBooking('late');
    const now = Date.now() - 5000;
    // Reminders go out 3 days ahead here: the demo is sooner than that.
    expect(
      (
        await stub.book({
          workspaceId: DEFAULT_WORKSPACE_ID,
          host,
          start: berlinSlot(1, '10:00'),
          now,
          busy: [],
          reminderMinutes: 3 * 24 * 60 + 7 * 24 * 60,
          booking,
        })
      ).ok,
    ).toBe(true);
    expect((await rowOf(stub, booking.id)).reminder_sent_at).toBe(now);
  });
});

describe('moving a demo', () => {
  it("is not blocked by the booking's own entry in the host's calendar", async () => {
    const host = ownHost({ buffer_before_minutes: 30 });
    const stub = schedulerFor(env.SCHEDULER, DEFAULT_WORKSPACE_ID, host.id);
    const booking = newBooking('own');
    const start = berlinSlot(7, '10:00');
    expect((await stub.book({ workspaceId: DEFAULT_WORKSPACE_ID, host, start, now: Date.now(), busy: [], reminderMinutes: 60, booking })).ok).toBe(true);
    // Google now shows the demo itself as busy; the next slot needs 30 minutes of buffer before it.
    const busy = [{ start, end: start + 30 * MINUTE }];
    const moved = await stub.reschedule({
      workspaceId: DEFAULT_WORKSPACE_ID,
      bookingId: booking.id,
      host,
      start: start + 30 * MINUTE,
      now: Date.now(),
      busy,
      minNoticeMinutes: 0,
      reminderMinutes: 60,
    });
    expect(moved.state).toBe('rescheduled');
  });

  it("the reschedule page lists only the booking's host, which availability can filter by", async () => {
    const booked = await book(berlinSlot(10, '12:30'));
    expect(booked.res.status).toBe(201);
    const html = await (await call(pathOf(booked.body.reschedule_url))).text();
    expect(html).toContain('const host = "berlin"');
    expect(html).toContain("'&host=' + encodeURIComponent(host)");

    const from = berlinSlot(11, '00:00');
    const range = `from=${new Date(from).toISOString()}&to=${new Date(from + 86_400_000).toISOString()}`;
    const all = (await (await call(`/api/v1/demo/availability?${range}`)).json()) as any;
    const berlin = (await (await call(`/api/v1/demo/availability?${range}&host=berlin`)).json()) as any;
    const late = new Date(berlinSlot(11, '20:00')).toISOString(); // New York's afternoon only
    expect(all.slots.map((s: any) => s.start)).toContain(late);
    expect(berlin.slots.map((s: any) => s.start)).not.toContain(late);
    expect(berlin.slots.length).toBeGreaterThan(0);
    expect(berlin.slots.every((s: any) => Date.parse(s.start) < berlinSlot(11, '17:00'))).toBe(true);
    const unknown = await call(`/api/v1/demo/availability?${range}&host=nobody`);
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as any).errors[0].field).toBe('host');
  });
});

describe('a start that cannot be a slot', () => {
  it('is refused with 422 on `start`: in the past or beyond the booking horizon, booking or moving', async () => {
    for (const start of [Date.now() - 3_600_000, Date.now() + 200 * 86_400_000]) {
      const res = await postJson('/api/v1/demo-request', demoRequest(start));
      expect(res.status).toBe(422);
      expect(((await res.json()) as any).errors).toEqual([expect.objectContaining({ field: 'start' })]);
    }
    const booked = await book(berlinSlot(14, '10:00'));
    const moved = await call(pathOf(booked.body.reschedule_url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ start: new Date(Date.now() - 3_600_000).toISOString() }),
    });
    expect(moved.status).toBe(422);
    expect(((await moved.json()) as any).errors[0].field).toBe('start');
  });
});

describe('the demo guard', () => {
  it('still answers after its alarm emptied it', async () => {
    const stub = demoGuard(env.DEMO_GUARD, DEFAULT_WORKSPACE_ID, uniqueEmail('guard'));
    const long = Date.now() - 3 * 3_600_000;
    expect(await stub.admit({ bookingId: newId(), now: long, attemptsPerHour: 5, maxActive: 1 })).toEqual({ ok: true });
    await runInDurableObject(stub, (instance) => instance.alarm()); // nothing left: the object is emptied
    expect(await stub.admit({ bookingId: newId(), now: Date.now(), attemptsPerHour: 5, maxActive: 1 })).toEqual({ ok: true });
    expect(await runDurableObjectAlarm(stub)).toBe(true); // and it is armed again
  });
});

describe("availability and the host's calendar", () => {
  it('asks for busy times over the whole padded range: buffer before the first slot, the last slot and its buffer after', async () => {
    const calendarId = 'window.host@example.com';
    const host = ownHost({ google_calendar_id: calendarId, buffer_before_minutes: 15, buffer_after_minutes: 10 });
    const seen: any[] = [];
    server.use(
      http.post('https://www.googleapis.com/calendar/v3/freeBusy', async ({ request }) => {
        const body = (await request.json()) as any;
        seen.push(body);
        return HttpResponse.json({ kind: 'calendar#freeBusy', timeMin: body.timeMin, timeMax: body.timeMax, calendars: { [calendarId]: { busy: [] } } });
      }),
    );
    const from = berlinSlot(15, '00:00');
    const to = from + 86_400_000;
    const slots = await hostFreeSlots(
      {
        env,
        config,
        workspace: { id: DEFAULT_WORKSPACE_ID, slug: 'default' },
        requestId: 'test',
        actor: 'system',
        inWorkspace: () => Promise.reject(new Error('no database here')),
        waitUntil: () => undefined,
      },
      host,
      from,
      to,
      Date.now(),
    );
    expect(slots.length).toBeGreaterThan(0);
    expect(seen[0]).toMatchObject({ timeMin: new Date(from - 15 * MINUTE).toISOString(), timeMax: new Date(to + (30 + 10) * MINUTE).toISOString() });
  });
});
