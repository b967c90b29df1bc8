import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { deliveries, events, leadEvents, leads } from '../../src/db/schema';
import { newId } from '../../src/domain/ids';
import { DEFAULT_WORKSPACE_ID } from '../../src/domain/workspace';
import worker from '../../src/index';
import type { LeadSubmittedEvent } from '../../src/messages/events';
import { database, eventually, uniqueEmail } from '../support/api';

const { db, close } = database();
afterAll(() => close());

function leadEvent(email: string, overrides: Partial<LeadSubmittedEvent> = {}): LeadSubmittedEvent {
  const at = new Date().toISOString();
  return {
    id: newId(),
    type: 'lead.submitted',
    occurred_at: at,
    request_id: 'test',
    workspace_id: DEFAULT_WORKSPACE_ID,
    source: 'pricing',
    contact: { email, email_normalized: email, name: 'Ada', touch: { source: 'pricing', at } },
    details: { plan: 'growth' },
    ...overrides,
  };
}

async function consume(queue: string, bodies: unknown[], attempts = 1) {
  const batch = createMessageBatch(
    queue,
    bodies.map((body, i) => ({ id: `m-${i}-${crypto.randomUUID()}`, timestamp: new Date(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue!(batch as never, env, ctx);
  return getQueueResult(batch, ctx);
}

const leadsByEmail = (email: string) => db.select().from(leads).where(eq(leads.emailNormalized, email));

describe('events consumer', () => {
  it('writes a message queued before workspaces existed (no workspace_id) into the default workspace', async () => {
    const email = uniqueEmail('legacy');
    const { workspace_id: _, ...legacy } = leadEvent(email);
    const result = await consume('leadgate-events', [legacy]);
    expect(result.explicitAcks).toHaveLength(1);
    const [lead] = await leadsByEmail(email);
    expect(lead!.workspaceId).toBe(DEFAULT_WORKSPACE_ID);
  });

  it('acknowledges, without writing, a message for a workspace that does not exist', async () => {
    const email = uniqueEmail('nowhere');
    const result = await consume('leadgate-events', [leadEvent(email, { workspace_id: '0193aaaa-bbbb-7ccc-8ddd-00000000dead' })]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(await leadsByEmail(email)).toEqual([]);
  });

  it('writes a redelivered event once: one lead, one history entry, one set of deliveries', async () => {
    const email = uniqueEmail();
    const event = leadEvent(email);
    await consume('leadgate-events', [event]);
    const again = await consume('leadgate-events', [event, event]);
    expect(again.explicitAcks).toHaveLength(2);
    const [lead] = await leadsByEmail(email);
    expect(await db.select().from(leadEvents).where(eq(leadEvents.leadId, lead!.id))).toHaveLength(1);
    expect((await db.select().from(deliveries).where(eq(deliveries.eventId, event.id))).map((d) => d.key).sort()).toEqual(['hubspot', 'sales_notification']);
  });

  it('stores the good messages of a batch that also holds an unreadable one, an invalid one and one Postgres refuses', async () => {
    const [a, b] = [uniqueEmail(), uniqueEmail()];
    const unreadable = { hello: 'world' };
    const invalid = leadEvent(uniqueEmail(), {
      contact: { email: 'x', email_normalized: null as never, touch: { source: 'pricing', at: new Date().toISOString() } },
    });
    // Valid by the contract, refused by Postgres (text cannot hold NUL): it breaks the set-based batch,
    // which then writes each message alone, so only this one is lost to the batch — and it is kept, failed.
    const refused = leadEvent(uniqueEmail(), {});
    refused.contact.name = 'Ada\u0000Lovelace';
    const result = await consume('leadgate-events', [leadEvent(a), unreadable, invalid, refused, leadEvent(b)]);
    expect(await leadsByEmail(a)).toHaveLength(1);
    expect(await leadsByEmail(b)).toHaveLength(1);
    expect(result.explicitAcks).toHaveLength(5); // nothing is retried: no retry could ever write the bad ones
    expect(result.retryMessages).toHaveLength(0);
    // The invalid and the refused one are in the ledger as failed, with the reason and their body (replayable).
    for (const bad of [invalid, refused]) {
      const [row] = await db.select().from(events).where(eq(events.id, bad.id));
      expect(row).toMatchObject({ state: 'failed', type: 'lead.submitted' });
      expect(row!.reason).toMatch(bad === invalid ? /not a valid event: .*contact.email_normalized/ : /could not be written: database error 22/);
      expect(row!.body).toMatchObject({ id: bad.id });
    }
  });

  it('retries the whole batch, writing nothing, when Postgres cannot be reached', async () => {
    const email = uniqueEmail();
    const unreachable = { ...env, DATABASE_URL: 'postgres://leadgate:leadgate@127.0.0.1:1/leadgate' } as Env;
    const batch = createMessageBatch('leadgate-events', [{ id: `m-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 3, body: leadEvent(email) }]);
    const ctx = createExecutionContext();
    await worker.queue!(batch as never, unreachable, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages).toHaveLength(1);
    expect(result.explicitAcks).toHaveLength(0);
    expect(await leadsByEmail(email)).toHaveLength(0);
  });

  it('keeps newer contact data when an older event arrives late', async () => {
    const email = uniqueEmail();
    const newer = leadEvent(email, { occurred_at: new Date().toISOString() });
    newer.contact.name = 'Ada Newer';
    const older = leadEvent(email, { occurred_at: new Date(Date.now() - 60_000).toISOString() });
    older.contact.name = 'Ada Older';
    older.contact.phone = '+14155550123';
    await consume('leadgate-events', [newer]);
    await consume('leadgate-events', [older]);
    const [lead] = await leadsByEmail(email);
    expect(lead).toMatchObject({ name: 'Ada Newer', phone: '+14155550123' });
  });

  it('an event whose retries ran out is put back on the events queue from the dead-letter queue', async () => {
    const email = uniqueEmail();
    const result = await consume('leadgate-events-dlq', [leadEvent(email)], 11);
    expect(result.ackAll || result.explicitAcks.length === 1).toBe(true);
    await eventually(async () => (await leadsByEmail(email))[0]);
  });
});
