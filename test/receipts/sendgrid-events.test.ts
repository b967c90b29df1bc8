import { generateKeyPairSync } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { sendgridEvents } from '../../src/db/schema';
import { database } from '../support/api';
import { deliveryRow } from '../support/deliveries';
import { deliveryView, postSendgridEvents, sendEmailThroughWorker, sendgridEvent, sendgridHeaders, uniqueMessageId } from './support';

const { db, close } = database();
afterAll(() => close());

/** An email SendGrid accepted with an X-Message-Id of its own. */
async function sentEmail() {
  const messageId = uniqueMessageId();
  const { id, row } = await sendEmailThroughWorker(db, messageId);
  expect(row).toMatchObject({ status: 'delivered', providerReference: messageId });
  return { id, messageId };
}

const seconds = () => Math.floor(Date.now() / 1000);

describe("SendGrid's Event Webhook", () => {
  it('a signed "delivered" event: the email delivery found by the sg_message_id prefix has the receipt', async () => {
    const { id, messageId } = await sentEmail();
    const at = seconds() - 5;
    const res = await postSendgridEvents([
      sendgridEvent(messageId, 'processed', { timestamp: at - 1 }),
      sendgridEvent(messageId, 'delivered', { timestamp: at, response: '250 OK' }),
    ]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 2, duplicates: 0, skipped: 0, updated: 1 });
    expect((await deliveryView(id)).receipt).toEqual({ status: 'delivered', at: new Date(at * 1000).toISOString(), detail: null });
  });

  it('bounce and dropped keep their reason; a final state is not overwritten by a weaker or equal one', async () => {
    const bounced = await sentEmail();
    await postSendgridEvents([sendgridEvent(bounced.messageId, 'bounce', { type: 'bounce', reason: '550 5.1.1 The email account does not exist.' })]);
    expect((await deliveryView(bounced.id)).receipt).toMatchObject({ status: 'bounced', detail: 'bounce: 550 5.1.1 The email account does not exist.' });
    const late = await postSendgridEvents([
      sendgridEvent(bounced.messageId, 'deferred', { reason: '421 try later' }),
      sendgridEvent(bounced.messageId, 'delivered'),
    ]);
    expect(await late.json()).toMatchObject({ received: 2, updated: 0 });
    expect((await deliveryRow(db, bounced.id)).receiptStatus).toBe('bounced');

    const dropped = await sentEmail();
    await postSendgridEvents([sendgridEvent(dropped.messageId, 'dropped', { reason: 'Bounced Address' })]);
    expect((await deliveryView(dropped.id)).receipt).toMatchObject({ status: 'dropped', detail: 'Bounced Address' });
  });

  it('deferred, then delivered, then opened (in a batch out of order, or one by one): each step only forward', async () => {
    const { id, messageId } = await sentEmail();
    const t = seconds() - 60;
    await postSendgridEvents([sendgridEvent(messageId, 'deferred', { timestamp: t, reason: '451 4.7.1 greylisted' })]);
    expect((await deliveryView(id)).receipt).toMatchObject({ status: 'deferred', detail: '451 4.7.1 greylisted' });
    await postSendgridEvents([sendgridEvent(messageId, 'delivered', { timestamp: t + 10 })]);
    expect((await deliveryRow(db, id)).receiptStatus).toBe('delivered');
    await postSendgridEvents([sendgridEvent(messageId, 'deferred', { timestamp: t + 20, reason: 'late' })]);
    expect((await deliveryRow(db, id)).receiptStatus).toBe('delivered');

    const other = await sentEmail();
    const batch = await postSendgridEvents([
      sendgridEvent(other.messageId, 'open', { timestamp: t + 30 }),
      sendgridEvent(other.messageId, 'delivered', { timestamp: t + 20 }),
      sendgridEvent(other.messageId, 'deferred', { timestamp: t + 10 }),
      sendgridEvent(other.messageId, 'click', { timestamp: t + 40, url: 'https://www.example.com/pricing' }),
    ]);
    expect(await batch.json()).toEqual({ received: 4, duplicates: 0, skipped: 0, updated: 1 });
    expect((await deliveryView(other.id)).receipt).toEqual({ status: 'opened', at: new Date((t + 30) * 1000).toISOString(), detail: null });
  });

  it('a batch delivered again (same sg_event_id) changes nothing', async () => {
    const { id, messageId } = await sentEmail();
    const events = [sendgridEvent(messageId, 'deferred', { reason: 'first try' }), sendgridEvent(messageId, 'delivered')];
    expect(await (await postSendgridEvents(events)).json()).toEqual({ received: 2, duplicates: 0, skipped: 0, updated: 1 });
    const first = await deliveryRow(db, id);
    const again = await postSendgridEvents(events);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: 2, duplicates: 2, skipped: 0, updated: 0 });
    const after = await deliveryRow(db, id);
    expect(after).toMatchObject({ receiptStatus: 'delivered', receiptAt: first.receiptAt, receiptDetail: null, updatedAt: first.updatedAt });
    for (const e of events) expect(await db.select().from(sendgridEvents).where(eq(sendgridEvents.sgEventId, e.sg_event_id))).toHaveLength(1);
  });

  it('a forged signature, another key, a changed body or an old timestamp: 401, and nothing changes', async () => {
    const { id, messageId } = await sentEmail();
    const events = [sendgridEvent(messageId, 'delivered')];
    const body = `${JSON.stringify(events)}\r\n`;
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const signed = sendgridHeaders(body);
    const attempts = [
      postSendgridEvents(events, sendgridHeaders(body, { key: stranger })),
      postSendgridEvents([sendgridEvent(messageId, 'bounce')], signed),
      postSendgridEvents(events, sendgridHeaders(body, { timestamp: seconds() - 3600 })),
      postSendgridEvents(events, { ...signed, 'x-twilio-email-event-webhook-timestamp': String(Number(signed['x-twilio-email-event-webhook-timestamp']) + 1) }),
      postSendgridEvents(events, {}),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await deliveryRow(db, id)).receiptStatus).toBeNull();
    expect(await db.select().from(sendgridEvents).where(eq(sendgridEvents.sgEventId, events[0]!.sg_event_id))).toHaveLength(0);
  });

  it('an event it cannot read is skipped, the rest applied; an event for no delivery of ours changes nothing', async () => {
    const { id, messageId } = await sentEmail();
    const res = await postSendgridEvents([
      { event: 'delivered', email: 'ada@acme-test.com', timestamp: seconds() },
      sendgridEvent(messageId, 'some_new_event_type'),
      sendgridEvent(uniqueMessageId(), 'bounce', { reason: 'nobody' }),
      sendgridEvent(messageId, 'delivered'),
    ]);
    expect(await res.json()).toEqual({ received: 2, duplicates: 0, skipped: 2, updated: 1 });
    expect((await deliveryRow(db, id)).receiptStatus).toBe('delivered');
  });
});
