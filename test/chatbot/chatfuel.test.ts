import { and, eq } from 'drizzle-orm';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { auditLog, deliveries, demoBookings, events, leads } from '../../src/db/schema';
import { ADMIN_KEY, call, database, eventually, uniqueEmail, uniqueIp } from '../support/api';
import { makeDue, runDeliveryMessage } from '../support/deliveries';
import { MONDAY_URL, mondayItemsByEmail } from '../support/monday-board';
import { providerCalls, server } from '../support/msw';
import { emailsTo, ga4For, settledLead, textsTo } from './support';

const TOKEN = 'test-chatbot-token-new-0123456789';
const OLD_TOKEN = 'test-chatbot-token-old-0123456789';
const BASE = '/api/v1/chatbot/chatfuel';

let users = 0;
const botUser = () => `${Date.now()}${users++}${Math.floor(Math.random() * 1000)}`;

/** Chatfuel's JSON API plugin: GET with the attributes in the query, or POST with them as a JSON body. */
async function bot(
  step: string,
  attributes: Record<string, string>,
  opts: { method?: 'GET' | 'POST'; token?: string | null; ip?: string; form?: boolean } = {},
) {
  const headers: Record<string, string> = { 'user-agent': 'Chatfuel', 'cf-connecting-ip': opts.ip ?? uniqueIp() };
  if (opts.token !== null) headers['x-leadgate-bot-token'] = opts.token ?? TOKEN;
  const started = Date.now();
  const res =
    (opts.method ?? 'POST') === 'GET'
      ? await call(`${BASE}/${step}?${new URLSearchParams(attributes).toString().replaceAll('+', '%20')}`, { headers })
      : await call(`${BASE}/${step}`, {
          method: 'POST',
          headers: { ...headers, 'content-type': opts.form ? 'application/x-www-form-urlencoded' : 'application/json' },
          body: opts.form ? new URLSearchParams(attributes).toString() : JSON.stringify(attributes),
        });
  return { res, ms: Date.now() - started, body: (await res.clone().json()) as any };
}

afterEach(() => server.resetHandlers());

describe('the Chatfuel endpoints answer in Chatfuel’s format, in Polish', () => {
  it('greets with the packages as quick replies, from a GET with Chatfuel’s attribute names (spaces included)', async () => {
    const { res, body } = await bot('conversation-start', { 'chatfuel user id': botUser(), 'first name': 'Jan' }, { method: 'GET' });
    expect(res.status).toBe(200);
    expect(body.messages[0].text).toBe('Cześć Jan! Tu asystent Leadgate Test. Który pakiet Cię interesuje?');
    expect(body.messages[0].quick_replies.map((q: any) => q.set_attributes)).toEqual([{ package: 'Start' }, { package: 'Standard' }, { package: 'Premium' }]);
    expect(body.set_attributes).toEqual({ leadgate_error: 'ok' });
  });

  it('asks again for a bad email in Polish (200, leadgate_error) and stores nothing', async () => {
    const user = botUser();
    const { res, body } = await bot('lead', { 'chatfuel user id': user, email: 'jan@@example', 'first name': 'Jan' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(body).toEqual({ messages: [{ text: 'Podaj poprawny adres e-mail.' }], set_attributes: { leadgate_error: 'invalid_email' } });
    const bad = await bot('lead', { 'chatfuel user id': user, email: 'jan@acme-test.com', phone: '12' });
    expect(bad.body.set_attributes.leadgate_error).toBe('invalid_phone');
    const pkg = await bot('lead', { 'chatfuel user id': user, email: 'jan@acme-test.com', package: 'Platinum' });
    expect(pkg.body.set_attributes.leadgate_error).toBe('invalid_package');
    const { db, close } = database();
    try {
      expect(await db.select().from(leads).where(eq(leads.email, 'jan@@example'))).toHaveLength(0);
    } finally {
      await close();
    }
  });

  it('takes the token in a header or the URL, accepts both rotated tokens, and answers 401 problem+json otherwise', async () => {
    const attrs = { 'chatfuel user id': botUser() };
    expect((await bot('conversation-start', attrs, { token: OLD_TOKEN })).res.status).toBe(200);
    const inUrl = await call(`${BASE}/conversation-start?token=${TOKEN}&chatfuel%20user%20id=${botUser()}`, { headers: { 'cf-connecting-ip': uniqueIp() } });
    expect(inUrl.status).toBe(200);
    for (const token of [null, 'wrong-token-wrong-token-wrong', `${TOKEN}x`, '']) {
      const { res } = await bot('lead', { ...attrs, email: uniqueEmail('nope') }, { token });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('a request that is not the bot’s (no user id, broken JSON) is a 4xx problem, never a 500', async () => {
    const anonymous = await bot('lead', { email: uniqueEmail('x') });
    expect(anonymous.res.status).toBe(422);
    expect(anonymous.body.errors[0].field).toBe('chatfuel user id');
    const broken = await call(`${BASE}/lead`, {
      method: 'POST',
      headers: { 'x-leadgate-bot-token': TOKEN, 'content-type': 'application/json' },
      body: '{"email":',
    });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as any).code).toBe('malformed_json');
    const nul = await bot('lead', { 'chatfuel user id': botUser(), email: uniqueEmail('nul'), 'first name': 'Ja\u0000n' });
    expect(nul.res.status).toBe(200);
  });

  it('takes URL-encoded POST bodies as well', async () => {
    const { body } = await bot('conversation-start', { 'chatfuel user id': botUser(), 'first name': 'Zofia' }, { form: true });
    expect(body.messages[0].text).toContain('Cześć Zofia!');
  });

  it('limits each bot user, answering in Polish with an error to branch on', async () => {
    const user = botUser();
    const ip = uniqueIp();
    const answers = [];
    for (let i = 0; i < 32; i++) answers.push((await bot('conversation-start', { 'chatfuel user id': user }, { ip })).body);
    expect(answers.slice(0, 30).every((a) => a.set_attributes.leadgate_error === 'ok')).toBe(true);
    expect(answers[31]).toEqual({
      messages: [{ text: 'Za dużo wiadomości w krótkim czasie. Spróbuj ponownie za kilka minut.' }],
      set_attributes: { leadgate_error: 'rate_limited' },
    });
  });

  it('refuses a slot it did not offer', async () => {
    const user = botUser();
    const { body } = await bot('book', {
      'chatfuel user id': user,
      email: uniqueEmail('slot'),
      meeting_start: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(body.set_attributes.leadgate_error).toBe('invalid_slot');
  });
});

describe('a real bot’s conversations, every side effect checked, each once', () => {
  it('booking: start, package, slot, contact, confirm → calendar, Postgres, monday, GA4 book_meeting, email and SMS', async () => {
    const user = botUser();
    const email = uniqueEmail('czat');
    const who = {
      'chatfuel user id': user,
      'first name': 'Jan',
      'last name': 'O\'Brien "Żółć" 😀',
      consent_analytics: 'tak',
      consent_sms: 'tak',
      consent_marketing: 'tak',
    };
    const start = await bot('conversation-start', who, { method: 'GET' });
    expect(start.ms).toBeLessThan(5000);
    const pkg = start.body.messages[0].quick_replies[2].set_attributes.package; // the visitor taps "Premium"
    const slots = await bot('availability', { ...who, package: pkg, timezone: 'Europe/Warsaw' });
    const offered = slots.body.messages[0].quick_replies;
    expect(offered.length).toBeGreaterThan(0);
    expect(offered[0].title).toMatch(/^[a-zśńź]{2,4}\.? \d\d\.\d\d, \d\d:\d\d$/);
    const meeting = offered[offered.length - 1].set_attributes.meeting_start;
    const contact = { ...who, package: pkg, email, phone: '600 100 200', topic: 'Wdrożenie CRM\nz "cudzysłowem"' };
    expect((await bot('lead', contact)).body.set_attributes.leadgate_error).toBe('ok');
    const booked = await bot('book', { ...contact, meeting_start: meeting });
    expect(booked.body.set_attributes.leadgate_error).toBe('ok');
    expect(booked.body.messages[0].text).toMatch(/^Gotowe! Spotkanie: \d\d\.\d\d\.\d{4} o godz\. \d\d:\d\d, konsultant: /);
    const bookingId = booked.body.set_attributes.booking_id;
    // Asking again (a retried request) books nothing more.
    expect((await bot('book', { ...contact, meeting_start: meeting })).body.set_attributes.booking_id).toBe(bookingId);
    // The id the bot was given opens the booking's event through the API, from the first moment.
    const opened = await call(`/api/v1/events/${bookingId}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(opened.status).toBe(200);
    expect(['queued', 'stored']).toContain(((await opened.json()) as any).state);

    const { db, close } = database();
    try {
      const row = await eventually(async () => (await db.select().from(demoBookings).where(eq(demoBookings.id, bookingId)))[0]);
      expect(row.startsAt.toISOString()).toBe(meeting);
      const [lead] = await db.select().from(leads).where(eq(leads.email, email));
      expect(lead).toMatchObject({ firstSource: 'chatbot', phone: '+48600100200', name: 'Jan O\'Brien "Żółć" 😀' });
      // The booking's slot is no longer offered.
      const again = await bot('availability', { 'chatfuel user id': botUser(), timezone: 'Europe/Warsaw' });
      expect(again.body.messages[0].quick_replies?.map((q: any) => q.set_attributes.meeting_start) ?? []).not.toContain(meeting);

      await eventually(
        async () =>
          (
            await db
              .select()
              .from(deliveries)
              .where(and(eq(deliveries.leadId, lead!.id), eq(deliveries.status, 'pending')))
          ).length === 0,
        20_000,
      );
      const items = mondayItemsByEmail(email);
      expect(items).toHaveLength(1);
      expect(items[0]!.name).toBe('Jan O\'Brien "Żółć" 😀');
      expect(items[0]!.columns).toMatchObject({
        status: { label: 'Umówione spotkanie' },
        status2: { label: 'Premium' },
        phone: { phone: '+48600100200', countryShortName: 'PL' },
      });
      expect(items[0]!.columns.date).toBeDefined();

      const ga4 = (await ga4For(user)).flatMap((p) => p.events.map((e: any) => e.name));
      expect(ga4.sort()).toEqual(['book_meeting', 'chatbot_conversation_start', 'generate_lead']);
      expect(JSON.stringify(await ga4For(user))).not.toContain(email);
      expect(JSON.stringify(await ga4For(user))).not.toMatch(/\+?48600100200|600 100 200/);

      const mails = emailsTo(email);
      const confirmation = mails.filter((m) => m.subject?.startsWith('Potwierdzenie spotkania'));
      expect(confirmation).toHaveLength(1);
      expect(confirmation[0].attachments[0].filename).toBe('invite.ics');
      expect(mails.filter((m) => m.subject === 'Dziękujemy za kontakt')).toHaveLength(1);
      const texts = textsTo('+48600100200');
      expect(texts.filter((t) => t?.startsWith('Witaj Jan! Potwierdzamy Twoje spotkanie dnia'))).toHaveLength(1);
      expect(texts.filter((t) => t === 'Witaj Jan! Dziękujemy za kontakt.')).toHaveLength(1);
      // The ledger says what each text cost, through the API.
      const [smsRow] = await db
        .select()
        .from(deliveries)
        .where(and(eq(deliveries.leadId, lead!.id), eq(deliveries.key, 'booking_confirmation'), eq(deliveries.destination, 'sms')));
      const view = (await (await call(`/api/v1/deliveries/${smsRow!.id}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as any;
      expect(view.sms).toEqual({ segments: 2, encoding: 'UCS-2', transliterated: false });

      // Cancelled with the link of the confirmation: the board says so.
      const cancelUrl = new URL(
        confirmation[0].personalizations?.[0]?.dynamic_template_data?.cancel_url ?? confirmation[0].content[0].value.match(/https:\/\/\S+cancel\S*/)[0],
      );
      const cancelled = await call(`${cancelUrl.pathname}${cancelUrl.search}`, { method: 'POST' });
      expect(cancelled.status).toBe(200);
      await eventually(async () => (mondayItemsByEmail(email)[0]!.columns.status as any)?.label === 'Spotkanie odwołane', 20_000);
      expect(mondayItemsByEmail(email)).toHaveLength(1);
    } finally {
      await close();
    }
  });

  it('handoff: start, a question, handoff, contact → monday, GA4, the email to the client and to the consultant, the SMS', async () => {
    const user = botUser();
    const email = uniqueEmail('pytanie');
    const who = { 'chatfuel user id': user, 'first name': 'Ewa', consent_analytics: 'tak', consent_sms: 'tak' };
    await bot('conversation-start', who);
    const question = { ...who, 'last user freeform input': 'Czy integrujecie się z SAP?' };
    const asked = await bot('handoff', question);
    expect(asked.body.set_attributes.leadgate_error).toBe('missing_email');
    const done = await bot('handoff', { ...question, email, phone: '+48 511 222 333' });
    expect(done.body.messages[0].text).toBe('Przekazaliśmy Twoje pytanie do konsultanta (Anna Kowalska). Skontaktuje się z Tobą w ciągu 24h.');
    await bot('handoff', { ...question, email, phone: '+48 511 222 333' }); // the bot's retry

    const lead = await settledLead(email);
    const { db, close } = database();
    try {
      expect(mondayItemsByEmail(email)).toHaveLength(1);
      expect(mondayItemsByEmail(email)[0]!.columns.status).toEqual({ label: 'Przekazany do konsultanta' });
      // The handoff moved the lead through the state machine, as the chatbot, once (the retry changed nothing).
      const [moved] = await db.select().from(leads).where(eq(leads.id, lead.id));
      expect(moved!.stage).toBe('contacted');
      const trail = await db.select().from(auditLog).where(eq(auditLog.leadId, lead.id));
      expect(trail.filter((e) => e.action !== 'lead_created' && e.action !== 'contact_changed').map((e) => [e.actor, e.from, e.to])).toEqual([
        ['chatbot:chatfuel', 'new', 'contacted'],
      ]);
      expect((await ga4For(user)).flatMap((p) => p.events.map((e: any) => e.name)).sort()).toEqual(['chatbot_conversation_start', 'consultant_handoff']);
      expect(emailsTo(email).filter((m) => m.subject === 'Twoje zapytanie zostało przekazane do konsultanta')).toHaveLength(1);
      const notice = emailsTo('konsultant@leadgate-test.com').filter((m) => m.content?.[0]?.value.includes(email));
      expect(notice).toHaveLength(1);
      expect(notice[0].content[0].value).toContain('Czy integrujecie się z SAP?');
      expect(textsTo('+48511222333')).toEqual([
        'Witaj Ewa! Twoje zapytanie zostało przekazane do konsultanta (Anna Kowalska). Skontaktuje się z Tobą w ciągu 24h.',
      ]);

      // Another question later in the same conversation is news for the consultant: a second notice.
      await bot('handoff', { ...who, 'last user freeform input': 'A z Comarch?', email });
      await eventually(async () => emailsTo('konsultant@leadgate-test.com').filter((m) => m.content?.[0]?.value.includes('A z Comarch?')).length === 1, 20_000);
    } finally {
      await close();
    }
  });

  it('without analytics consent nothing at all goes to GA4', async () => {
    const user = botUser();
    await bot('conversation-start', { 'chatfuel user id': user });
    await bot('lead', { 'chatfuel user id': user, email: uniqueEmail('nogo') });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await ga4For(user)).toEqual([]);
  });

  it('monday down during a booking: the bot still answers at once, and the item appears after the outage, once', async () => {
    let down = true;
    server.use(
      http.post(MONDAY_URL, () => (down ? HttpResponse.json({ error_message: 'Internal server error', status_code: 500 }, { status: 500 }) : undefined)),
    );
    const user = botUser();
    const email = uniqueEmail('awaria');
    const who = { 'chatfuel user id': user, 'first name': 'Olga', email };
    const slots = await bot('availability', who);
    const meeting = slots.body.messages[0].quick_replies.at(-2).set_attributes.meeting_start;
    const booked = await bot('book', { ...who, meeting_start: meeting });
    expect(booked.body.set_attributes.leadgate_error).toBe('ok');
    expect(booked.ms).toBeLessThan(5000);

    const { db, close } = database();
    try {
      const row = await eventually(async () => {
        const [r] = await db
          .select()
          .from(deliveries)
          .where(and(eq(deliveries.eventId, booked.body.set_attributes.booking_id), eq(deliveries.destination, 'monday')));
        return r && r.attempts > 0 ? r : null;
      }, 20_000);
      expect(row.status).toBe('pending'); // failed once, to be retried
      expect(mondayItemsByEmail(email)).toHaveLength(0);
      down = false;
      // The retry, made due now (the queue's own retry may hold the row at a given moment, or may have failed
      // once more just before the outage ended and pushed the next try back: make it due again until it went).
      let attempt = 2;
      const after = await eventually(async () => {
        await makeDue(db, row.id);
        await runDeliveryMessage(row.id, attempt++);
        const [r] = await db.select().from(deliveries).where(eq(deliveries.id, row.id));
        return r?.status === 'delivered' ? r : null;
      }, 30_000);
      await runDeliveryMessage(row.id, attempt); // a redelivered message changes nothing
      expect(after.status).toBe('delivered');
      expect(mondayItemsByEmail(email)).toHaveLength(1);
      expect(await db.select().from(events).where(eq(events.id, booked.body.set_attributes.booking_id))).toHaveLength(1);
    } finally {
      await close();
    }
  }, 60_000);
});

describe('each workspace has its own bot', () => {
  it('a workspace’s bot uses its own tokens and texts; the default tokens do not open it', async () => {
    const { createWorkspace, configure } = await import('../support/workspaces');
    const ws = await createWorkspace('bot');
    const own = 'brand-b-chatbot-token-0123456789abcdef';
    await configure(ws, { chatbot_company_name: 'Brand B', chatbot_packages: ['Mały', 'Duży'] }, { chatbot_tokens: own });
    const path = `/api/v1/workspaces/${ws.slug}/chatbot/chatfuel/conversation-start`;
    const headers = (token: string) => ({ 'x-leadgate-bot-token': token, 'content-type': 'application/json', 'cf-connecting-ip': uniqueIp() });
    const body = JSON.stringify({ 'chatfuel user id': botUser() });
    const ok = await call(path, { method: 'POST', headers: headers(own), body });
    expect(ok.status).toBe(200);
    const answer = (await ok.json()) as any;
    expect(answer.messages[0].text).toContain('Tu asystent Brand B.');
    expect(answer.messages[0].quick_replies.map((q: any) => q.title)).toEqual(['Mały', 'Duży']);
    expect((await call(path, { method: 'POST', headers: headers(TOKEN), body })).status).toBe(401);
    expect((await call(`${BASE}/conversation-start`, { method: 'POST', headers: headers(own), body })).status).toBe(401);
  });
});

describe('the board talks back', () => {
  it('a status changed on the chatbot’s monday item comes back through the monday webhook and moves its lead', async () => {
    const { mondayStatusChange, mondayToken, postRaw } = await import('../webhooks/signing');
    const { settled } = await import('../webhooks/support');
    const email = uniqueEmail('tablica');
    await bot('lead', { 'chatfuel user id': botUser(), 'first name': 'Piotr', 'last name': 'Nowak', email });
    const item = await eventually(async () => mondayItemsByEmail(email)[0], 20_000);
    expect(item.name).toBe('Piotr Nowak'); // named after the person, not the email: found by the item id
    const body = mondayStatusChange(Number(item.id), item.name, 'Working');
    const res = await postRaw('/api/v1/webhooks/monday', body, { authorization: await mondayToken({ aud: 'https://api.example.com/api/v1/webhooks/monday' }) });
    expect(res.status).toBe(200);
    const row = await settled(((await res.json()) as { id: string }).id);
    expect(row).toMatchObject({ outcome: 'applied', outcomeDetail: 'contacted → lead contacted' });
    const { db, close } = database();
    try {
      const [lead] = await db.select().from(leads).where(eq(leads.email, email));
      expect(lead!.stage).toBe('contacted');
      expect(row.leadId).toBe(lead!.id);
    } finally {
      await close();
    }
  });
});
