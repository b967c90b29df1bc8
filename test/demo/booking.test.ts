import { and, eq } from 'drizzle-orm';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { deliveries, demoBookings, leadEvents, leads } from '../../src/db/schema';
import { call, database, eventually, postJson, uniqueEmail } from '../support/api';
import { server } from '../support/msw';
import { berlinSlot, book, demoRequest, demoSiteverify, parseIcs, pathOf, settle } from './support';

beforeEach(() => server.use(demoSiteverify));
afterAll(settle);

describe('GET /api/v1/demo/availability', () => {
  it("lists free slots on the visitor's clock", async () => {
    const from = berlinSlot(0, '00:00');
    const res = await call(
      `/api/v1/demo/availability?from=${new Date(from).toISOString()}&to=${new Date(from + 86_400_000).toISOString()}&tz=America/New_York`,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    const nineBerlin = new Date(berlinSlot(0, '09:00')).toISOString();
    const slot = body.slots.find((s: any) => s.start === nineBerlin);
    expect(slot).toBeDefined();
    expect(slot.local_start).toMatch(/T0[23]:00:00-0[45]:00$/); // 09:00 Berlin is 02:00–03:00 in New York
    // Both hosts: Berlin from 09:00, New York until 17:00 New York time.
    expect(body.slots.length).toBeGreaterThan(16);
  });

  it('refuses an unknown time zone and an oversized range', async () => {
    expect((await call('/api/v1/demo/availability?tz=Mars/Olympus')).status).toBe(422);
    const res = await call('/api/v1/demo/availability?from=2030-01-01T00:00:00Z&to=2030-03-01T00:00:00Z');
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('OpenAPI', () => {
  it('documents the demo endpoints', async () => {
    const doc = (await (await call('/openapi.json')).json()) as any;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/demo/availability',
        '/api/v1/demo-request',
        '/api/v1/demo/bookings/{id}/cancel',
        '/api/v1/demo/bookings/{id}/reschedule',
      ]),
    );
    expect(doc.paths['/api/v1/demo-request'].post.responses['409'].content['application/problem+json'].schema.$ref).toContain('DemoConflict');
  });
});

describe('POST /api/v1/demo-request', () => {
  it('books a slot: 201, the lead, its demo_booked event, the mirror row and both invites with their .ics', async () => {
    const start = berlinSlot(1, '10:00');
    const { res, body } = await book(start, { consent: { marketing: true } });
    expect(res.status).toBe(201);
    // The booking id is its demo.booked event's: Location opens it.
    expect(res.headers.get('location')).toBe(`/api/v1/events/${body.booking_id}`);
    expect(body).toMatchObject({
      start: new Date(start).toISOString(),
      time_zone: 'America/New_York',
      host: { name: 'Berta Berlin' },
      sequence: 0,
      status: 'confirmed',
    });
    expect(body.cancel_url).toContain(`/api/v1/demo/bookings/${body.booking_id}/cancel?token=`);

    const { db, close } = database();
    try {
      const row = await eventually(async () => (await db.select().from(demoBookings).where(eq(demoBookings.id, body.booking_id)))[0]);
      expect(row).toMatchObject({ hostId: 'berlin', status: 'confirmed', sequence: 0 });
      expect(row.startsAt.getTime()).toBe(start);
      const [event] = await db.select().from(leadEvents).where(eq(leadEvents.id, body.booking_id));
      expect(event!.type).toBe('demo_booked');
      const [lead] = await db.select().from(leads).where(eq(leads.id, event!.leadId));
      expect(lead!.company).toBe('Acme');
      const sent = await db.select().from(deliveries).where(eq(deliveries.eventId, body.booking_id));
      expect(sent.map((d) => d.key).sort()).toEqual(['demo_invite', 'demo_invite_host', 'hubspot', 'sales_notification']);
      // The CRM gets the booking as a meeting with its time, not just the contact.
      const crm = sent.find((d) => d.key === 'hubspot')!.payload as any;
      expect(crm).toMatchObject({
        kind: 'meeting',
        contact: { email: lead!.email },
        meeting: { bookingId: body.booking_id, start: new Date(start).toISOString(), status: 'scheduled' },
      });
      const invite = sent.find((d) => d.key === 'demo_invite')!.payload as any;
      expect(invite.to[0].email).toBe(lead!.email);
      const attachment = invite.attachments[0];
      expect(attachment).toMatchObject({ filename: 'invite.ics', contentType: 'text/calendar; method=REQUEST' });
      const ics = parseIcs(attachment.content);
      expect(ics).toMatchObject({ METHOD: 'REQUEST', UID: `${body.booking_id}@leadgate`, SEQUENCE: '0' });
      expect(ics.DTSTART).toBe(
        new Date(start)
          .toISOString()
          .replace(/[-:]/g, '')
          .replace(/\.\d{3}/, ''),
      );
      const hostInvite = sent.find((d) => d.key === 'demo_invite_host')!.payload as any;
      expect(hostInvite.to[0].email).toBe('berta@leadgate-test.com');
      const sales = sent.find((d) => d.key === 'sales_notification')!.payload as any;
      expect(sales.data.lead).toMatchObject({ email: lead!.email, source: 'demo_request', company: 'Acme' });
    } finally {
      await close();
    }
  });

  it('answers a second booking of the same slot with 409 and the nearest free slots', async () => {
    const start = berlinSlot(2, '11:00');
    expect((await book(start)).res.status).toBe(201);
    const { res, body } = await book(start);
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(body.reason).toBe('slot_taken');
    expect(body.nearest_slots).toHaveLength(3);
    const nearest = body.nearest_slots.map((s: any) => Date.parse(s.start));
    expect(nearest).not.toContain(start);
    expect(Math.min(...nearest.map((n: number) => Math.abs(n - start)))).toBe(30 * 60_000);
    expect(body.nearest_slots[0].local_start).toMatch(/-0[45]:00$/);
  });

  it('books 50 concurrent requests for one slot exactly once', async () => {
    const start = berlinSlot(3, '09:30');
    const results = await Promise.all(Array.from({ length: 50 }, () => postJson('/api/v1/demo-request', demoRequest(start))));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
  });

  it('shares a slot both hosts have between them, least loaded first', async () => {
    // 16:00 Berlin is 10:00 or 11:00 in New York: both hosts work then.
    const start = berlinSlot(4, '16:00');
    const first = await book(start);
    const second = await book(start);
    expect([first.res.status, second.res.status]).toEqual([201, 201]);
    expect(new Set([first.body.host.name, second.body.host.name])).toEqual(new Set(['Berta Berlin', 'Nate York']));
    expect((await book(start)).res.status).toBe(409);
  });

  it('answers a filled honeypot like a booking but books nothing', async () => {
    const start = berlinSlot(11, '10:00');
    const { res, body } = await book(start, { website: 'http://spam.example' });
    expect(res.status).toBe(201);
    expect(body.cancel_url).toBeUndefined();
    expect((await book(start)).res.status).toBe(201); // the slot was still free
  });

  it('replays a retried request with the same Idempotency-Key instead of booking twice', async () => {
    const request = demoRequest(berlinSlot(12, '10:00'));
    const headers = { 'idempotency-key': `demo-${crypto.randomUUID()}` };
    const first = await postJson('/api/v1/demo-request', request, headers);
    const again = await postJson('/api/v1/demo-request', request, headers);
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(((await again.json()) as any).booking_id).toBe(((await first.json()) as any).booking_id);
  });

  it('refuses a slot outside working hours and bad input with clear 4xx answers', async () => {
    const { res, body } = await book(berlinSlot(5, '06:00'));
    expect(res.status).toBe(409);
    expect(body.nearest_slots.length).toBeGreaterThan(0);
    const bad = await postJson('/api/v1/demo-request', { ...demoRequest(berlinSlot(5, '10:00')), time_zone: 'Nowhere/City', extra: 1 });
    expect(bad.status).toBe(422);
    const fields = ((await bad.json()) as any).errors.map((e: any) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['time_zone', 'extra']));
  });
});

describe('the per-email guard', () => {
  it('allows one active demo per email, then counts attempts: the 6th in an hour is 429', async () => {
    const email = uniqueEmail('guard');
    expect((await book(berlinSlot(6, '09:00'), { email })).res.status).toBe(201);
    for (let i = 0; i < 4; i++) {
      const { res, body } = await book(berlinSlot(6, '12:00'), { email });
      expect(res.status).toBe(409);
      expect(body.reason).toBe('active_demo_exists');
    }
    const { res } = await book(berlinSlot(6, '12:00'), { email: email.toUpperCase() });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('releases the reservation of a failed booking', async () => {
    const start = berlinSlot(7, '10:30');
    expect((await book(start)).res.status).toBe(201);
    const email = uniqueEmail('retry');
    expect((await book(start, { email })).res.status).toBe(409);
    expect((await book(berlinSlot(7, '11:30'), { email })).res.status).toBe(201);
  });
});

describe('cancel and reschedule by signed link', () => {
  it('cancel frees the slot and the email, sends METHOD:CANCEL with the same UID, and is repeatable', async () => {
    const start = berlinSlot(8, '10:00');
    const email = uniqueEmail('cancel');
    const booked = await book(start, { email });
    expect(booked.res.status).toBe(201);
    const cancel = await call(pathOf(booked.body.cancel_url), { method: 'POST' });
    expect(cancel.status).toBe(200);
    expect((await cancel.json()) as any).toMatchObject({ status: 'cancelled', sequence: 1 });
    expect((await call(pathOf(booked.body.cancel_url), { method: 'POST' })).status).toBe(200);

    expect((await book(start)).res.status).toBe(201); // the slot is free again
    expect((await book(berlinSlot(8, '12:00'), { email })).res.status).toBe(201); // and the email may book again

    const { db, close } = database();
    try {
      const row = await eventually(
        async () =>
          (
            await db
              .select()
              .from(demoBookings)
              .where(and(eq(demoBookings.id, booked.body.booking_id), eq(demoBookings.status, 'cancelled')))
          )[0],
      );
      expect(row.sequence).toBe(1);
      const sent = await eventually(async () => {
        const rows = await db.select().from(deliveries).where(eq(deliveries.key, 'demo_cancelled'));
        return rows.find((d) => (d.payload as any).data.booking_id === booked.body.booking_id);
      });
      const ics = parseIcs((sent.payload as any).attachments[0].content);
      expect(ics).toMatchObject({ METHOD: 'CANCEL', UID: `${booked.body.booking_id}@leadgate`, SEQUENCE: '1' });
      const history = await db
        .select()
        .from(leadEvents)
        .where(and(eq(leadEvents.leadId, row.leadId!), eq(leadEvents.type, 'demo_cancelled')));
      expect(history).toHaveLength(1); // the repeated cancel changed nothing
    } finally {
      await close();
    }
  });

  it('reschedule moves the booking atomically: same UID, SEQUENCE + 1, old slot freed', async () => {
    const start = berlinSlot(9, '09:00');
    const target = berlinSlot(9, '11:00');
    const booked = await book(start);
    const moved = await call(pathOf(booked.body.reschedule_url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ start: new Date(target).toISOString() }),
    });
    expect(moved.status).toBe(200);
    const body = (await moved.json()) as any;
    expect(body).toMatchObject({ booking_id: booked.body.booking_id, start: new Date(target).toISOString(), sequence: 1 });
    expect((await book(start)).res.status).toBe(201);
    expect((await book(target)).res.status).toBe(409);

    const { db, close } = database();
    try {
      const sent = await eventually(async () => {
        const rows = await db.select().from(deliveries).where(eq(deliveries.key, 'demo_invite'));
        return rows.find((d) => (d.payload as any).data.booking_id === booked.body.booking_id && (d.payload as any).data.updated);
      });
      const ics = parseIcs((sent.payload as any).attachments[0].content);
      expect(ics).toMatchObject({ METHOD: 'REQUEST', UID: `${booked.body.booking_id}@leadgate`, SEQUENCE: '1' });
      expect(ics.DTSTART).toBe(
        new Date(target)
          .toISOString()
          .replace(/[-:]/g, '')
          .replace(/\.\d{3}/, ''),
      );
      const row = await eventually(
        async () =>
          (
            await db
              .select()
              .from(demoBookings)
              .where(and(eq(demoBookings.id, booked.body.booking_id), eq(demoBookings.sequence, 1)))
          )[0],
      );
      expect(row.startsAt.getTime()).toBe(target);
    } finally {
      await close();
    }
  });

  it('refuses a tampered or misapplied link and changes nothing', async () => {
    const start = berlinSlot(10, '10:00');
    const booked = await book(start);
    const url = new URL(booked.body.cancel_url);
    const token = url.searchParams.get('token')!;
    const tampered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'); // even a non-canonical spelling of the same bytes
    const forged = token.replace(/^[^.]{4}/, (p) => (p[3] === 'x' ? `${p.slice(0, 3)}y` : `${p.slice(0, 3)}x`));
    expect((await call(`${url.pathname}?token=${forged}`, { method: 'POST' })).status).toBe(403);
    const refused = await call(`${url.pathname}?token=${tampered}`, { method: 'POST' });
    expect(refused.status).toBe(403);
    const reschedToken = new URL(booked.body.reschedule_url).searchParams.get('token');
    expect((await call(`${url.pathname}?token=${reschedToken}`, { method: 'POST' })).status).toBe(403);
    expect((await book(start)).res.status).toBe(409); // still booked
  });
});
