import { describe, expect, it } from 'vitest';
import { toContactCapture } from '../../src/domain/contact';
import { newId } from '../../src/domain/ids';
import { DEFAULT_WORKSPACE_ID } from '../../src/domain/workspace';
import type { LeadSubmittedEvent } from '../../src/messages/events';
import { recordFailedEvents } from '../../src/services/events/failed-events';
import { ADMIN_KEY, adminGet, call, eventually, postJson, uniqueEmail, withTestDatabase } from '../support/api';

const TOKEN = 'XXXX.DUMMY.TOKEN.XXXX';
type EventView = {
  id: string;
  state: string;
  type: string | null;
  lead_id: string | null;
  reason: string | null;
  deliveries: Array<{ id: string; destination: string; key: string }>;
};

/** A UUIDv7 made at `at` (the first 48 bits are its time). */
const v7At = (at: number) => {
  const hex = at.toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-000000000000`;
};

describe('GET /api/v1/events/{id}: every id a 202 hands out opens something', () => {
  it('the lead form: Location → queued or stored → the lead → its deliveries', async () => {
    const email = uniqueEmail('receipt');
    const res = await postJson('/api/v1/leads', { email, name: 'Jane Doe', source: 'pricing', plan: 'growth', turnstile_token: TOKEN });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect(res.headers.get('location')).toBe(`/api/v1/events/${id}`);

    const first = (await (await adminGet(`/api/v1/events/${id}`)).json()) as EventView;
    expect(['queued', 'stored']).toContain(first.state);
    const stored = await eventually(async () => {
      const e = (await (await adminGet(`/api/v1/events/${id}`)).json()) as EventView;
      return e.state === 'stored' && e.deliveries.length >= 2 ? e : null;
    });
    expect(stored).toMatchObject({ type: 'lead.submitted', lead_id: expect.any(String), reason: null });
    expect(stored.deliveries.map((d) => `${d.destination}:${d.key}`).sort()).toEqual(['crm:hubspot', 'email:sales_notification']);

    const lead = (await (await adminGet(`/api/v1/leads/${stored.lead_id}`)).json()) as { email: string; events: Array<{ id: string }> };
    expect(lead.email).toBe(email);
    expect(lead.events.map((e) => e.id)).toContain(id);
    const byLead = (await (await adminGet(`/api/v1/deliveries?lead_id=${stored.lead_id}`)).json()) as { items: Array<{ id: string }> };
    const byEvent = (await (await adminGet(`/api/v1/deliveries?event_id=${id}`)).json()) as { items: Array<{ id: string }> };
    expect(byLead.items.map((d) => d.id).sort()).toEqual(stored.deliveries.map((d) => d.id).sort());
    expect(byEvent.items.map((d) => d.id).sort()).toEqual(stored.deliveries.map((d) => d.id).sort());
    const one = await adminGet(`/api/v1/deliveries/${stored.deliveries[0]!.id}`);
    expect(one.status).toBe(200);
    expect(((await one.json()) as { attempts_log: unknown[] }).attempts_log).toEqual(expect.any(Array));
  });

  it('an id nobody handed out is not found; a fresh one not yet stored is queued', async () => {
    expect((await adminGet(`/api/v1/events/${v7At(Date.now() - 30 * 86_400_000)}`)).status).toBe(404);
    expect((await adminGet(`/api/v1/events/${crypto.randomUUID()}`)).status).toBe(404);
    const fresh = newId();
    expect(await (await adminGet(`/api/v1/events/${fresh}`)).json()).toMatchObject({ id: fresh, state: 'queued', lead_id: null, deliveries: [] });
    expect((await call(`/api/v1/events/${fresh}`)).status).toBe(401);
  });

  it('a failed event shows its reason, and a replay stores it once the cause is gone', async () => {
    const at = new Date().toISOString();
    const email = uniqueEmail('failed');
    const body: LeadSubmittedEvent = {
      id: newId(),
      type: 'lead.submitted',
      occurred_at: at,
      request_id: 'events-api-test',
      workspace_id: DEFAULT_WORKSPACE_ID,
      source: 'pricing',
      contact: toContactCapture({ email }, 'pricing', at),
      details: { plan: 'growth' },
    };
    await withTestDatabase((db) =>
      recordFailedEvents(db, [{ id: body.id, type: body.type, reason: 'could not be written: database error 57P01: terminating connection', body }]),
    );
    expect(await (await adminGet(`/api/v1/events/${body.id}`)).json()).toMatchObject({ state: 'failed', reason: expect.stringContaining('57P01') });
    const replay = await call(`/api/v1/events/${body.id}/replay`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(replay.status).toBe(202);
    expect(replay.headers.get('location')).toBe(`/api/v1/events/${body.id}`);
    const stored = await eventually(async () => {
      const e = (await (await adminGet(`/api/v1/events/${body.id}`)).json()) as EventView;
      return e.state === 'stored' ? e : null;
    });
    expect(stored.lead_id).toEqual(expect.any(String));
    const again = await call(`/api/v1/events/${body.id}/replay`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(again.status).toBe(409);
  });

  it('the ROI calculator names its event in Location; once stored it shows the lead and the CRM sync', async () => {
    const { server } = await import('../support/msw');
    const { turnstilePassesFor } = await import('../roi/siteverify');
    server.use(turnstilePassesFor('roi_calculator'));
    const roi = await postJson('/api/v1/tools/calculate-roi', {
      industry: 'saas',
      customer_count: 100,
      avg_revenue: 50,
      churn_rate: 3,
      email: uniqueEmail('roi-loc'),
      turnstile_token: TOKEN,
    });
    expect(roi.status).toBe(200);
    const { id } = (await roi.json()) as { id: string };
    expect(roi.headers.get('location')).toBe(`/api/v1/events/${id}`);
    const stored = await eventually(async () => {
      const e = (await (await adminGet(`/api/v1/events/${id}`)).json()) as EventView;
      return e.state === 'stored' && e.deliveries.some((d) => d.destination === 'crm') ? e : null;
    });
    expect(stored).toMatchObject({ type: 'roi.calculated', lead_id: expect.any(String) });
  });
});
