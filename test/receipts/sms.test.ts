import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { deliveries, leadEvents } from '../../src/db/schema';
import { smsSegments } from '../../src/domain/sms';
import { DEFAULT_WORKSPACE_ID } from '../../src/domain/workspace';
import { schedulerFor } from '../../src/durable-objects/scheduler';
import { smsRequest } from '../../src/fanout/sms-delivery';
import { berlinSlot, book, demoSiteverify, settle } from '../demo/support';
import { database, eventually, uniqueEmail } from '../support/api';
import { attemptsOf, deliveryRow, pendingDelivery, runDeliveryMessage } from '../support/deliveries';
import { server } from '../support/msw';
import { isStopped, postStatusCallback, sendSmsThroughWorker, sentTo, twilioAnswers, twilioRequests, uniqueNumber } from './support';

const { db, close } = database();
afterAll(async () => {
  await settle();
  await close();
});

const POLISH = 'Witaj Łucja! Potwierdzamy Twoje spotkanie dnia 15.06.2026 o godz. 10:00. Temat: wdrożenie. Konsultant: Anna Kowalska.';

describe('segments in the ledger', () => {
  it('a Polish body is UCS-2 and counted in 70/67-character parts; the body Twilio gets is the one counted', async () => {
    const to = uniqueNumber();
    const [request] = smsRequest(loadConfig(env), { key: 'booking_confirmation', leadId: null, to, body: POLISH });
    // 117 characters with two diacritics: two UCS-2 parts of 67 (a part holds 70 only when alone); GSM-7 would need one.
    expect(POLISH.length).toBe(117);
    expect(request).toMatchObject({
      destination: 'sms',
      key: 'booking_confirmation',
      payload: { to, body: POLISH, segments: 2, encoding: 'UCS-2', transliterated: false },
    });

    twilioAnswers();
    const { id } = await pendingDelivery(db, { ...request!, leadId: undefined });
    await runDeliveryMessage(id);
    const row = await deliveryRow(db, id);
    expect(row.status).toBe('delivered');
    expect(row.payload).toMatchObject({ segments: 2, encoding: 'UCS-2', transliterated: false });
    expect(sentTo(to).map((r) => r.Body)).toEqual([POLISH]);
  });

  it('with SMS_TRANSLITERATE the body is spelled in GSM-7: one 160-character part, and that spelling is sent', async () => {
    const to = uniqueNumber();
    const config = loadConfig({ ...env, SMS_TRANSLITERATE: 'true' } as Env);
    const [request] = smsRequest(config, { key: 'booking_confirmation', to, body: POLISH });
    const spelled = 'Witaj Lucja! Potwierdzamy Twoje spotkanie dnia 15.06.2026 o godz. 10:00. Temat: wdrozenie. Konsultant: Anna Kowalska.';
    expect(request!.payload).toEqual({ to, body: spelled, segments: 1, encoding: 'GSM-7', transliterated: true });

    twilioAnswers();
    const { id } = await pendingDelivery(db, { ...request!, leadId: undefined });
    await runDeliveryMessage(id);
    expect((await deliveryRow(db, id)).payload).toMatchObject({ body: spelled, segments: 1, encoding: 'GSM-7' });
    expect(sentTo(to).map((r) => r.Body)).toEqual([spelled]);
  });

  it('a number that is not E.164 plans no SMS', () => {
    const config = loadConfig(env);
    for (const to of ['501 234 567', '0048501234567', '+48 501 234 567', '']) expect(smsRequest(config, { key: 'k', to, body: 'x' }), to).toEqual([]);
  });

  it("the demo reminder's SMS carries its segments", async () => {
    server.use(demoSiteverify);
    twilioAnswers();
    const start = berlinSlot(20, '11:30');
    const phone = uniqueNumber();
    const { res, body } = await book(start, { email: uniqueEmail('sms-segments'), phone, consent: { sms: true } });
    expect(res.status).toBe(201);
    const stub = schedulerFor(env.SCHEDULER, DEFAULT_WORKSPACE_ID, 'berlin');
    await runInDurableObject(stub, async (_instance, state) => {
      state.storage.sql.exec('UPDATE bookings SET reminder_at = ? WHERE id = ?', Date.now() - 1000, body.booking_id);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const sms = await eventually(async () => {
      const events = await db.select().from(leadEvents).where(eq(leadEvents.type, 'demo_reminder_sent'));
      const event = events.find((e) => (e.payload as { booking_id?: string }).booking_id === body.booking_id);
      if (!event) return null;
      const [row] = (await db.select().from(deliveries).where(eq(deliveries.eventId, event.id))).filter((d) => d.destination === 'sms');
      return row;
    });
    const payload = sms.payload as { body: string; segments: number };
    // English with a long reschedule link: GSM-7, several parts of 153.
    expect(payload).toMatchObject({ to: phone, encoding: 'GSM-7', transliterated: false });
    expect(payload.segments).toBe(smsSegments(payload.body).segments);
    expect(payload.segments).toBeGreaterThan(1);
  });
});

describe('Twilio errors on send', () => {
  beforeEach(() => {
    twilioRequests.length = 0;
  });

  it('21610 (opted out): failed without retry, the number is stopped, and the next SMS to it never reaches Twilio', async () => {
    const to = uniqueNumber();
    twilioAnswers({ [to]: { code: 21610, message: 'Attempt to send to unsubscribed recipient' } });
    const first = await sendSmsThroughWorker(db, to);
    expect(first.run.retryMessages).toHaveLength(0);
    expect(first.row).toMatchObject({ status: 'failed', attempts: 1, lastError: 'recipient opted out (21610)', lastStatusCode: 400 });
    expect(await isStopped(db, to)).toBe(true);
    // Kept as a hash: the number itself is nowhere in the stop list.
    expect(JSON.stringify(await db.execute('select * from sms_stop_list'))).not.toContain(to.slice(1));

    const second = await sendSmsThroughWorker(db, to, 'Drugi SMS');
    expect(second.run.retryMessages).toHaveLength(0);
    expect(second.row).toMatchObject({ status: 'failed', lastError: 'recipient opted out (21610)' });
    expect((await attemptsOf(db, second.id)).map((a) => [a.outcome, a.statusCode, a.error])).toEqual([['rejected', null, 'recipient opted out (21610)']]);
    expect(sentTo(to)).toHaveLength(1);

    // Another number is not affected.
    const other = uniqueNumber();
    expect((await sendSmsThroughWorker(db, other)).row.status).toBe('delivered');
    expect(sentTo(other)).toHaveLength(1);
  });

  it('21211 (invalid number): failed at once without retry, and the number is not stopped', async () => {
    const to = uniqueNumber();
    twilioAnswers({ [to]: { code: 21211, message: `The 'To' number ${to} is not a valid phone number.` } });
    const { run, row } = await sendSmsThroughWorker(db, to);
    expect(run.retryMessages).toHaveLength(0);
    expect(row.status).toBe('failed');
    expect(row.lastError).toMatch(/^invalid number \(Twilio 21211: The 'To' number/);
    expect(await isStopped(db, to)).toBe(false);
  });

  it('20429 (too many requests) is retried, a 400 without a meaning for the number is not', async () => {
    const busy = uniqueNumber();
    const refused = uniqueNumber();
    twilioAnswers({
      [busy]: { code: 20429, message: 'Too Many Requests', status: 429 },
      [refused]: { code: 21602, message: 'Message body is required.' },
    });
    const retried = await sendSmsThroughWorker(db, busy);
    expect(retried.run.retryMessages).toHaveLength(1);
    expect(retried.row).toMatchObject({ status: 'pending', lastError: 'Twilio 20429: Too Many Requests' });
    const failed = await sendSmsThroughWorker(db, refused);
    expect(failed.run.retryMessages).toHaveLength(0);
    expect(failed.row).toMatchObject({ status: 'failed', lastError: 'Twilio 21602: Message body is required.' });
  });

  it('every send names the status callback on the public origin', async () => {
    const to = uniqueNumber();
    const sids = twilioAnswers();
    const { row } = await sendSmsThroughWorker(db, to);
    expect(sentTo(to)[0]!.StatusCallback).toBe('https://api.example.com/api/v1/webhooks/twilio/status');
    expect(row.providerReference).toBe(sids.get(to));
  });

  it('a status callback with ErrorCode 21610 stops the number too', async () => {
    const to = uniqueNumber();
    const sids = twilioAnswers();
    const { id } = await sendSmsThroughWorker(db, to);
    const res = await postStatusCallback({ MessageSid: sids.get(to)!, MessageStatus: 'undelivered', ErrorCode: '21610', To: to });
    expect(res.status).toBe(200);
    expect(await isStopped(db, to)).toBe(true);
    expect((await deliveryRow(db, id)).receiptStatus).toBe('undelivered');
    const next = await sendSmsThroughWorker(db, to, 'Kolejny SMS');
    expect(next.row).toMatchObject({ status: 'failed', lastError: 'recipient opted out (21610)' });
    expect(sentTo(to)).toHaveLength(1);
  });
});
