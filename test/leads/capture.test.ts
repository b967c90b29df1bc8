import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { leadEvents, leads } from '../../src/db/schema';
import { adminGet, database, eventually, postJson, uniqueEmail } from '../support/api';

const TOKEN = 'XXXX.DUMMY.TOKEN.XXXX';

describe('POST /api/v1/leads — happy path', () => {
  it('accepts a pricing lead and writes it to Postgres through the queue', async () => {
    const email = uniqueEmail();
    const res = await postJson('/api/v1/leads', {
      email, name: 'Jane Doe', company: 'Acme', source: 'pricing', plan: 'growth',
      consent: { marketing: true }, utm: { source: 'google', medium: 'cpc' }, turnstile_token: TOKEN,
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const { db, close } = database();
    const lead = await eventually(async () => (await db.select().from(leads).where(eq(leads.email, email)))[0]);
    expect(lead.companyDomain).toBe('acme-test.com');
    const events = await db.select().from(leadEvents).where(eq(leadEvents.id, id));
    expect(events).toHaveLength(1);
    await close();

    const detail = await adminGet(`/api/v1/leads/${lead.id}`);
    expect(detail.status).toBe(200);
    const body = (await detail.json()) as any;
    expect(body.events[0].id).toBe(id);
  });
});
