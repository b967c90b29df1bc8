import { afterAll, describe, expect, it } from 'vitest';
import { database } from '../support/api';
import { deliveryRow } from '../support/deliveries';
import {
  deliveryView,
  ORIGIN,
  postStatusCallback,
  sendSmsThroughWorker,
  TWILIO_STATUS_PATH,
  twilioAnswers,
  twilioSignature,
  uniqueNumber,
  uniqueSid,
} from './support';

const { db, close } = database();
afterAll(() => close());

/** An SMS Twilio accepted: its delivery id, number and Message SID. */
async function sentSms() {
  const to = uniqueNumber();
  const sids = twilioAnswers();
  const { id, row } = await sendSmsThroughWorker(db, to);
  expect(row.status).toBe('delivered');
  return { id, to, sid: sids.get(to)! };
}

describe("Twilio's status callback", () => {
  it('delivered: verified with X-Twilio-Signature, the receipt is on the delivery', async () => {
    const { id, to, sid } = await sentSms();
    const before = Date.now();
    const res = await postStatusCallback({ MessageSid: sid, SmsSid: sid, MessageStatus: 'delivered', SmsStatus: 'delivered', To: to });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ matched: true, updated: true });
    const view = await deliveryView(id);
    expect(view).toMatchObject({ status: 'delivered', provider_reference: sid, receipt: { status: 'delivered', detail: null } });
    expect(Date.parse(view.receipt!.at)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('undelivered with an ErrorCode: the receipt says so and why', async () => {
    const { id, to, sid } = await sentSms();
    const res = await postStatusCallback({ MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: '30003', To: to });
    expect(res.status).toBe(200);
    expect((await deliveryView(id)).receipt).toMatchObject({ status: 'undelivered', detail: 'Twilio error 30003' });
  });

  it('out of order: a late "sent" after "delivered" is ignored, "delivered" is final', async () => {
    const { id, to, sid } = await sentSms();
    const post = (MessageStatus: string, extra: Record<string, string> = {}) => postStatusCallback({ MessageSid: sid, MessageStatus, To: to, ...extra });

    expect(await (await post('sent')).json()).toEqual({ matched: true, updated: true });
    expect((await deliveryRow(db, id)).receiptStatus).toBe('sent');
    expect(await (await post('delivered')).json()).toEqual({ matched: true, updated: true });
    const delivered = await deliveryRow(db, id);
    for (const late of ['sent', 'queued', 'undelivered', 'failed', 'delivered']) {
      const res = await post(late, late === 'undelivered' || late === 'failed' ? { ErrorCode: '30008' } : {});
      expect(res.status, late).toBe(200);
      expect(await res.json(), late).toEqual({ matched: true, updated: false });
    }
    const after = await deliveryRow(db, id);
    expect(after).toMatchObject({ receiptStatus: 'delivered', receiptDetail: null });
    expect(after.receiptAt).toEqual(delivered.receiptAt);
  });

  it('a handset report after a failure wins; a "sent" after it does not', async () => {
    const { id, to, sid } = await sentSms();
    await postStatusCallback({ MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: '30003', To: to });
    await postStatusCallback({ MessageSid: sid, MessageStatus: 'sent', To: to });
    expect((await deliveryRow(db, id)).receiptStatus).toBe('undelivered');
    await postStatusCallback({ MessageSid: sid, MessageStatus: 'delivered', To: to });
    expect((await deliveryRow(db, id)).receiptStatus).toBe('delivered');
  });

  it('a forged or misdirected signature: 401 problem+json, and nothing changes', async () => {
    const { id, to, sid } = await sentSms();
    const fields = { MessageSid: sid, MessageStatus: 'delivered', To: to };
    const attempts = [
      postStatusCallback(fields, { token: 'not-the-auth-token' }),
      // Signed for another URL than the one Leadgate gave Twilio.
      postStatusCallback(fields, { signedUrl: `${ORIGIN}/api/v1/webhooks/twilio/other` }),
      postStatusCallback(fields, { signedUrl: `http://internal.example.com${TWILIO_STATUS_PATH}` }),
      postStatusCallback(fields, { signature: twilioSignature(`${ORIGIN}${TWILIO_STATUS_PATH}`, { ...fields, MessageStatus: 'failed' }) }),
      postStatusCallback(fields, { signature: '' }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await res.json()).toMatchObject({ status: 401, code: 'unauthorized' });
    }
    expect(await deliveryRow(db, id)).toMatchObject({ receiptStatus: null, receiptAt: null });
  });

  it('an unknown Message SID: 200 so Twilio stops, and nothing changes', async () => {
    const { id, to } = await sentSms();
    const res = await postStatusCallback({ MessageSid: uniqueSid(), MessageStatus: 'delivered', ErrorCode: '21610', To: to });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ matched: false, updated: false });
    expect((await deliveryRow(db, id)).receiptStatus).toBeNull();
  });

  it('a signed body that is not a status callback: 422', async () => {
    const res = await postStatusCallback({ MessageSid: 'not-a-sid', MessageStatus: 'delivered', To: '+48500000000' });
    expect(res.status).toBe(422);
  });
});
