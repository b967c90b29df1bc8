import { createExecutionContext, createMessageBatch, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { eq, sql } from 'drizzle-orm';
import { delay, HttpResponse, http } from 'msw';
import { afterAll, describe, expect, it } from 'vitest';
import { deliveries } from '../../src/db/schema';
import { backoffMs, backoffSeconds } from '../../src/domain/backoff';
import worker from '../../src/index';
import { ADMIN_KEY, call, database, eventually } from '../support/api';
import { attemptsOf, deliveryRow, makeDue, pendingDelivery, runDeliveryBatch, runDeliveryMessage } from '../support/deliveries';
import { providerCalls, server } from '../support/msw';

const HUBSPOT = 'https://api.hubapi.com/crm/v3/objects/contacts/batch/upsert';
const { db, close } = database();
afterAll(() => close());

const crm = (email = 'x@acme-test.com') => ({
  destination: 'crm' as const,
  key: 'hubspot',
  payload: { kind: 'contact' as const, contact: { leadId: 'l', email, firstName: 'Ada', status: 'new' } },
});
const hubspotCallsFor = (email: string) => providerCalls.filter((c) => c.provider === 'hubspot' && c.body.includes(email));

describe('delivery retry policy', () => {
  it('CRM answers 500 three times then 200: delivered once, four attempts recorded', async () => {
    let calls = 0;
    server.use(http.post(HUBSPOT, () => (++calls <= 3 ? HttpResponse.json({ status: 'error', message: 'internal' }, { status: 500 }) : undefined)));
    const { id } = await pendingDelivery(db, crm());
    for (let attempt = 1; attempt <= 3; attempt++) {
      const result = await runDeliveryMessage(id, attempt);
      expect(result.retryMessages).toHaveLength(1);
      expect((await deliveryRow(db, id)).status).toBe('pending');
      await makeDue(db, id);
    }
    const last = await runDeliveryMessage(id, 4);
    expect(last.explicitAcks).toHaveLength(1);
    const row = await deliveryRow(db, id);
    expect(row).toMatchObject({ status: 'delivered', attempts: 4, lastStatusCode: 200, providerReference: '1000' });
    expect((await attemptsOf(db, id)).map((a) => [a.attempt, a.outcome, a.statusCode])).toEqual([
      [1, 'retryable_error', 500],
      [2, 'retryable_error', 500],
      [3, 'retryable_error', 500],
      [4, 'delivered', 200],
    ]);
    // The queue delivering the message again changes nothing.
    await runDeliveryMessage(id, 5);
    expect(calls).toBe(4);
  });

  it('429 with Retry-After: 30 → the next attempt is not before 30 s', async () => {
    let calls = 0;
    server.use(
      http.post(HUBSPOT, () => {
        calls++;
        return HttpResponse.json({ status: 'error', category: 'RATE_LIMITS' }, { status: 429, headers: { 'retry-after': '30' } });
      }),
    );
    const { id } = await pendingDelivery(db, crm());
    const before = Date.now();
    const result = await runDeliveryMessage(id);
    expect(result.retryDelays[0]).toBeGreaterThanOrEqual(30);
    const row = await deliveryRow(db, id);
    expect(row.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before + 29_000);
    // An early copy of the message does not call the CRM; it is put back until the retry is due.
    const early = await runDeliveryMessage(id, 2);
    expect(calls).toBe(1);
    expect(early.retryDelays[0]).toBeGreaterThan(25);
  });

  it("400 → failed at once with the provider's reason, not retried", async () => {
    server.use(
      http.post(HUBSPOT, () =>
        HttpResponse.json({ status: 'error', message: 'Property values were not valid: phone', category: 'VALIDATION_ERROR' }, { status: 400 }),
      ),
    );
    const { id } = await pendingDelivery(db, crm());
    const result = await runDeliveryMessage(id);
    expect(result.retryMessages).toHaveLength(0);
    expect(result.explicitAcks).toHaveLength(1);
    const row = await deliveryRow(db, id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: 400 });
    expect(row.lastError).toContain('Property values were not valid');
  });

  it('a timeout is retried', async () => {
    server.use(
      http.post(HUBSPOT, async () => {
        await delay(1500);
        return HttpResponse.json({ status: 'COMPLETE', results: [] });
      }),
    );
    const { id } = await pendingDelivery(db, crm());
    const result = await runDeliveryMessage(id);
    expect(result.retryMessages).toHaveLength(1);
    const row = await deliveryRow(db, id);
    expect(row.status).toBe('pending');
    expect(row.lastError).toMatch(/timed out after 1000 ms/);
  });

  it('a message delivered twice by the Queue sends one email', async () => {
    const { id } = await pendingDelivery(db, {
      destination: 'email',
      key: 'lead_confirmation',
      payload: { template: 'lead_confirmation', to: [{ email: 'twice@acme-test.com' }], data: { name: 'Ada', source: 'pricing' } },
    });
    await Promise.all([runDeliveryMessage(id, 1, 2), runDeliveryMessage(id, 1)]);
    expect(providerCalls.filter((c) => c.provider === 'sendgrid' && c.body.includes('twice@acme-test.com'))).toHaveLength(1);
    expect((await deliveryRow(db, id)).status).toBe('delivered');
  });

  it('attempts exhausted → dead-letter queue → failed; a replay after recovery delivers it', async () => {
    let down = true;
    server.use(http.post(HUBSPOT, () => (down ? new HttpResponse('upstream down', { status: 503 }) : undefined)));
    const email = `dlq-${crypto.randomUUID().slice(0, 8)}@acme-test.com`;
    const { id } = await pendingDelivery(db, crm(email));
    await db.update(deliveries).set({ attempts: 4 }).where(eq(deliveries.id, id)); // DELIVERY_MAX_ATTEMPTS is 5 in tests
    const result = await runDeliveryMessage(id, 5);
    expect(result.explicitAcks).toHaveLength(1);
    // The real dead-letter consumer marks it failed, keeping the last error.
    const failed = await eventually(async () => {
      const row = await deliveryRow(db, id);
      return row.status === 'failed' ? row : null;
    });
    expect(failed.lastError).toContain('HTTP 503');

    down = false;
    const replay = await call(`/api/v1/deliveries/${id}/replay`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(replay.status).toBe(202);
    const delivered = await eventually(async () => {
      const row = await deliveryRow(db, id);
      return row.status === 'delivered' ? row : null;
    });
    expect(delivered.attempts).toBe(1);
    expect(hubspotCallsFor(email)).toHaveLength(1);
    // Replaying a delivered one is refused.
    expect((await call(`/api/v1/deliveries/${id}/replay`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } })).status).toBe(409);
  });

  it('a delivery the queue dead-lettered while it still had attempts goes back to the sweep, not to failed', async () => {
    const { id } = await pendingDelivery(db, crm());
    await db.update(deliveries).set({ attempts: 2, enqueuedAt: new Date() }).where(eq(deliveries.id, id));
    const batch = createMessageBatch('leadgate-deliveries-dlq', [{ id: `dlq-${id}`, timestamp: new Date(), attempts: 1, body: { delivery_id: id } }]);
    const ctx = createExecutionContext();
    await worker.queue!(batch as never, env, ctx);
    await waitOnExecutionContext(ctx);
    const row = await deliveryRow(db, id);
    expect(row).toMatchObject({ status: 'pending', attempts: 2, enqueuedAt: null });
  });

  it('a Queue send lost after the commit is delivered by the cron sweep', async () => {
    const email = `lost-${crypto.randomUUID().slice(0, 8)}@acme-test.com`;
    const { id } = await pendingDelivery(db, crm(email));
    await db
      .update(deliveries)
      .set({ nextAttemptAt: sql`now() - interval '10 minutes'`, createdAt: sql`now() - interval '10 minutes'` })
      .where(eq(deliveries.id, id));
    const ctx = createExecutionContext();
    await worker.scheduled!(createScheduledController({ cron: '* * * * *' }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await deliveryRow(db, id)).enqueuedAt).not.toBeNull();
    await eventually(async () => (await deliveryRow(db, id)).status === 'delivered');
    expect(hubspotCallsFor(email)).toHaveLength(1);
  });
});

describe('HubSpot batch API', () => {
  it('sends the HubSpot upserts of one queue batch as one batch call', async () => {
    const [a, b] = [`batch-a-${crypto.randomUUID().slice(0, 8)}@acme-test.com`, `batch-b-${crypto.randomUUID().slice(0, 8)}@acme-test.com`];
    const one = await pendingDelivery(db, crm(a));
    const two = await pendingDelivery(db, crm(b));
    const result = await runDeliveryBatch([one.id, two.id]);
    expect(result.explicitAcks).toHaveLength(2);
    const calls = providerCalls.filter((c) => c.provider === 'hubspot' && (c.body.includes(a) || c.body.includes(b)));
    expect(calls).toHaveLength(1);
    expect(
      JSON.parse(calls[0]!.body)
        .inputs.map((i: { id: string }) => i.id)
        .sort(),
    ).toEqual([a, b].sort());
    expect((await deliveryRow(db, one.id)).status).toBe('delivered');
    expect((await deliveryRow(db, two.id)).status).toBe('delivered');
  });

  it('when HubSpot refuses the batch, each contact is sent alone: the good one lands, the bad one fails', async () => {
    const good = `good-${crypto.randomUUID().slice(0, 8)}@acme-test.com`;
    const bad = `bad-${crypto.randomUUID().slice(0, 8)}@acme-test.com`;
    server.use(
      http.post(HUBSPOT, async ({ request }) => {
        const { inputs } = (await request.clone().json()) as { inputs: Array<{ id: string }> };
        if (inputs.some((i) => i.id === bad))
          return HttpResponse.json({ status: 'error', message: `Property values were not valid: ${bad}`, category: 'VALIDATION_ERROR' }, { status: 400 });
        return undefined;
      }),
    );
    const g = await pendingDelivery(db, crm(good));
    const b = await pendingDelivery(db, crm(bad));
    await runDeliveryBatch([g.id, b.id]);
    expect((await deliveryRow(db, g.id)).status).toBe('delivered');
    expect(await deliveryRow(db, b.id)).toMatchObject({ status: 'failed', lastStatusCode: 400 });
  });
});

describe('backoff', () => {
  it('grows exponentially with jitter, is capped, and honours Retry-After', () => {
    const o = { baseSeconds: 10, maxSeconds: 3600, jitter: true };
    expect(backoffSeconds(1, { ...o, random: () => 0 })).toBe(5);
    expect(backoffSeconds(1, { ...o, random: () => 1 })).toBe(10);
    expect(backoffSeconds(4, { ...o, random: () => 1 })).toBe(80);
    expect(backoffSeconds(30, { ...o, random: () => 1 })).toBe(3600);
    expect(backoffSeconds(1, { ...o, retryAfterSeconds: 30, random: () => 0 })).toBe(30);
    expect(backoffSeconds(1, { ...o, retryAfterSeconds: 10 ** 9 })).toBe(43_200);
  });

  it('without jitter is the plain doubling, in seconds or milliseconds', () => {
    const o = { baseSeconds: 5, maxSeconds: 300 };
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => backoffSeconds(n, o))).toEqual([5, 10, 20, 40, 80, 160, 300, 300]);
    expect(backoffMs(1, { baseSeconds: 0.2, maxSeconds: 1 })).toBe(200);
    expect(backoffSeconds(1, { baseSeconds: 0.2, maxSeconds: 1 })).toBe(1);
  });
});
