import { eq } from 'drizzle-orm';
import { HttpResponse, http } from 'msw';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { deliveries, demoBookings, leads } from '../../src/db/schema';
import { call, database, eventually, uniqueEmail, uniqueIp } from '../support/api';
import { mondayItemsByEmail } from '../support/monday-board';
import { providerCalls, server } from '../support/msw';
import { emailsTo, ga4For, settledLead } from './support';

const SECRET = 'test-telegram-webhook-secret';
const BOT_API = 'https://api.telegram.org/bot123456:TEST-telegram-bot-token';
const WEBHOOK = '/api/v1/chatbot/telegram/webhook';
const BOT_USER = { id: 7_000_000_001, is_bot: true, first_name: 'Leadgate Test', username: 'leadgate_test_bot' };

/** What the Worker asked the Bot API, in order. */
interface BotCall {
  method: string;
  body: Record<string, any>;
}
let botCalls: BotCall[] = [];
/** How the Bot API answers sendMessage: as documented, unless a test says otherwise. */
let sendMessageAnswer: (body: Record<string, any>) => Response | undefined = () => undefined;

beforeEach(() => {
  botCalls = [];
  sendMessageAnswer = () => undefined;
  let messageId = 500;
  server.use(
    http.post(`${BOT_API}/sendMessage`, async ({ request }) => {
      const body = (await request.json()) as Record<string, any>;
      botCalls.push({ method: 'sendMessage', body });
      return (
        sendMessageAnswer(body) ??
        HttpResponse.json({
          ok: true,
          result: {
            message_id: messageId++,
            from: BOT_USER,
            chat: { id: body.chat_id, first_name: 'Jan', type: 'private' },
            date: Math.floor(Date.now() / 1000),
            text: body.text,
          },
        })
      );
    }),
    http.post(`${BOT_API}/answerCallbackQuery`, async ({ request }) => {
      botCalls.push({ method: 'answerCallbackQuery', body: (await request.json()) as Record<string, any> });
      return HttpResponse.json({ ok: true, result: true });
    }),
  );
});

let seq = 0;
const nextUpdateId = () => 100_000_000 + Math.floor(Math.random() * 800_000_000) + seq++;

/** Posts an update to the webhook as Telegram does (JSON, the secret token in its header). */
function post(update: unknown, opts: { secret?: string | null; ip?: string; path?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'cf-connecting-ip': opts.ip ?? uniqueIp() };
  if (opts.secret !== null) headers['x-telegram-bot-api-secret-token'] = opts.secret ?? SECRET;
  return call(opts.path ?? WEBHOOK, { method: 'POST', headers, body: typeof update === 'string' ? update : JSON.stringify(update) });
}

/** A person in a private chat with the bot: what they type and tap, and what the bot sent them. */
function person(firstName = 'Jan', lastName?: string) {
  const id = 1_000_000_000 + Math.floor(Math.random() * 1_000_000_000);
  const ip = uniqueIp();
  const from = { id, is_bot: false, first_name: firstName, ...(lastName ? { last_name: lastName } : {}), language_code: 'pl' };
  const chat = { id, first_name: firstName, type: 'private' };
  let seen = 0;
  const p = {
    id,
    /** A text message. */
    text: (text: string, updateId = nextUpdateId()) => ({
      update_id: updateId,
      message: {
        message_id: seq++,
        from,
        chat,
        date: Math.floor(Date.now() / 1000),
        text,
        ...(text.startsWith('/') ? { entities: [{ offset: 0, length: text.length, type: 'bot_command' }] } : {}),
      },
    }),
    /** A tap on an inline button of the bot's message. */
    tap: (data: string, updateId = nextUpdateId()) => ({
      update_id: updateId,
      callback_query: {
        id: `${id}${updateId}`,
        from,
        message: { message_id: 777, from: BOT_USER, chat, date: Math.floor(Date.now() / 1000), text: '…' },
        chat_instance: `-${id}`,
        data,
      },
    }),
    send: async (update: unknown) => {
      const res = await post(update, { ip });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true });
      return res;
    },
    /** Every message the bot sent this person. */
    messages: () => botCalls.filter((c) => c.method === 'sendMessage' && c.body.chat_id === id).map((c) => c.body),
    /** The next message the bot sends (after the webhook answered: they go out in waitUntil). */
    reply: async () => {
      const m = await eventually(async () => p.messages()[seen]);
      seen++;
      return m;
    },
    /** Says or taps, and waits for the bot's one answer. */
    says: async (text: string) => {
      await p.send(p.text(text));
      return p.reply();
    },
    taps: async (data: string) => {
      await p.send(p.tap(data));
      return p.reply();
    },
  };
  return p;
}

type Person = ReturnType<typeof person>;
const buttons = (m: Record<string, any>): Array<{ text: string; callback_data: string }> => (m.reply_markup?.inline_keyboard ?? []).flat();

/** /start, a package, the email: the bot then offers the two actions. */
async function upToTheActions(p: Person, email: string, packageIndex = 2) {
  const greeting = await p.says('/start');
  await p.taps(buttons(greeting)[packageIndex]!.callback_data);
  const saved = await p.says(email);
  expect(saved.text).toMatch(/^Dziękujemy, .+! Zapisaliśmy Twoje dane\. Chcesz umówić spotkanie z konsultantem\?$/);
  expect(saved.reply_markup.inline_keyboard).toEqual([
    [
      { text: 'Umów spotkanie', callback_data: 'a:book' },
      { text: 'Zapytaj konsultanta', callback_data: 'a:ask' },
    ],
  ]);
}

/** Taps a slot; if someone else took it meanwhile, one of the nearest offered instead. */
async function bookASlot(p: Person, slots: Record<string, any>, pick: (b: Array<{ callback_data: string }>) => { callback_data: string }) {
  let offer = slots;
  for (let attempt = 0; attempt < 3; attempt++) {
    const slot = pick(buttons(offer)).callback_data;
    const answer = await p.taps(slot);
    if (answer.text.startsWith('Gotowe!')) return { answer, start: new Date(Number(slot.slice(2)) * 1000).toISOString() };
    offer = answer;
  }
  throw new Error('no slot could be booked');
}

describe('the Telegram webhook', () => {
  it('/start answers at once and greets with the packages as an inline keyboard, through sendMessage', async () => {
    const p = person('Jan');
    const res = await post(p.text('/start'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    const greeting = await p.reply();
    expect(greeting).toEqual({
      chat_id: p.id,
      text: 'Cześć Jan! Tu asystent Leadgate Test. Który pakiet Cię interesuje?',
      reply_markup: {
        inline_keyboard: [[{ text: 'Start', callback_data: 'p:0' }], [{ text: 'Standard', callback_data: 'p:1' }], [{ text: 'Premium', callback_data: 'p:2' }]],
      },
    });
  });

  it('also takes a workspace in the path', async () => {
    const p = person('Ola');
    const res = await post(p.text('/start'), { path: '/api/v1/workspaces/default/chatbot/telegram/webhook' });
    expect(res.status).toBe(200);
    expect((await p.reply()).text).toBe('Cześć Ola! Tu asystent Leadgate Test. Który pakiet Cię interesuje?');
    expect((await post(p.text('/start'), { path: '/api/v1/workspaces/no-such-workspace/chatbot/telegram/webhook' })).status).toBe(404);
  });

  it('a forged or missing secret token is 401 problem+json, and nothing is done', async () => {
    const p = person('Ewa');
    for (const secret of [null, '', 'wrong-telegram-webhook-secret', `${SECRET}x`, SECRET.slice(0, -1)]) {
      const res = await post(p.text('/start'), { secret });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(((await res.json()) as any).code).toBe('unauthorized');
    }
    // Forged even when the body is garbage: the token is checked before anything reads it.
    expect((await post('{"update_id":', { secret: 'forged-forged-forged' })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 500));
    expect(botCalls).toEqual([]);
    // The forged /start did not start anything: the first real message is still greeted as a start.
    expect((await p.says('hej')).text).toBe('Cześć Ewa! Tu asystent Leadgate Test. Który pakiet Cię interesuje?');
  });

  it('acknowledges what is not an update, or not for the flow (200), and does nothing', async () => {
    const group = person('Grupa');
    const inGroup = group.text('/start') as any;
    inGroup.message.chat = { id: -100123, title: 'Sprzedaż', type: 'supergroup' };
    for (const body of [
      '{"update_id":',
      '[]',
      '{"message":{"text":"/start"}}',
      JSON.stringify({ update_id: nextUpdateId(), edited_message: {} }),
      JSON.stringify(inGroup),
    ]) {
      const res = await post(body);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true });
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(botCalls).toEqual([]);
  });

  it('asks again for a bad email in Polish, and answers every button tap', async () => {
    const p = person('Jan');
    await p.says('/start');
    const tap = p.tap('p:1');
    await p.send(tap);
    expect((await p.reply()).text).toBe('Wybrany pakiet: Standard. Podaj swój adres e-mail, abyśmy mogli się z Tobą skontaktować.');
    expect(botCalls.filter((c) => c.method === 'answerCallbackQuery').map((c) => c.body)).toEqual([{ callback_query_id: tap.callback_query.id }]);
    expect((await p.says('jan@@example')).text).toBe('Podaj poprawny adres e-mail.');
    // A stale or unknown button is answered too, and the person is shown what they can do.
    const stale = await p.taps('p:9');
    expect(stale.text).toBe('Wybierz jeden z dostępnych pakietów.');
    expect(buttons(stale).map((b) => b.callback_data)).toEqual(['p:0', 'p:1', 'p:2']);
  });
});

describe('a conversation on Telegram reaches the same tools as Chatfuel’s', () => {
  it('booking through buttons: start, package, email, "Umów spotkanie", a slot → the booking in Postgres, the board, the email; confirmed in Polish', async () => {
    const p = person('Jan', "O'Brien");
    const email = uniqueEmail('telegram');
    await upToTheActions(p, email, 2);
    const slots = await p.taps('a:book');
    expect(slots.text).toBe('Wybierz dogodny termin (czas: Europe/Warsaw):');
    const offered = buttons(slots);
    expect(offered.length).toBeGreaterThan(0);
    for (const b of offered) {
      expect(b.callback_data).toMatch(/^s:\d{10}$/);
      expect(new TextEncoder().encode(b.callback_data).byteLength).toBeLessThanOrEqual(64);
      expect(b.text).toMatch(/^[a-zśńź]{2,4}\.? \d\d\.\d\d, \d\d:\d\d$/);
    }
    expect(slots.reply_markup.inline_keyboard[0]).toHaveLength(Math.min(2, offered.length)); // two slots a row

    const { answer, start } = await bookASlot(p, slots, (b) => b.at(-1)!);
    expect(answer.text).toMatch(
      /^Gotowe! Spotkanie: \d\d\.\d\d\.\d{4} o godz\. \d\d:\d\d, konsultant: (Berta Berlin|Nate York)\. Potwierdzenie wyślemy e-mailem\.$/,
    );

    const lead = await settledLead(email);
    expect(lead).toMatchObject({ firstSource: 'chatbot', name: "Jan O'Brien" });
    const { db, close } = database();
    try {
      const bookings = await eventually(async () => {
        const rows = await db.select().from(demoBookings).where(eq(demoBookings.leadId, lead.id));
        return rows.length > 0 ? rows : null;
      });
      expect(bookings).toHaveLength(1);
      expect(bookings[0]!.startsAt.toISOString()).toBe(start);
    } finally {
      await close();
    }
    const items = mondayItemsByEmail(email);
    expect(items).toHaveLength(1);
    expect(items[0]!.columns).toMatchObject({ status: { label: 'Umówione spotkanie' }, status2: { label: 'Premium' }, status1: { label: 'Telegram' } });
    const confirmation = emailsTo(email).filter((m) => m.subject?.startsWith('Potwierdzenie spotkania'));
    expect(confirmation).toHaveLength(1);
    expect(confirmation[0].attachments[0].filename).toBe('invite.ics');
    // Telegram carries no consent, and the flow does not ask: no GA4, no marketing email, no SMS.
    expect(await ga4For(p.id)).toEqual([]);
    expect(emailsTo(email).filter((m) => m.subject === 'Dziękujemy za kontakt')).toHaveLength(0);
  });

  it('handoff: start, package, email, "Zapytaj konsultanta", the question → the board, the emails to the person and the consultant', async () => {
    const p = person('Ewa');
    const email = uniqueEmail('tg-pytanie');
    await upToTheActions(p, email, 0);
    expect((await p.taps('a:ask')).text).toBe('Napisz swoje pytanie — przekażemy je konsultantowi.');
    expect((await p.says('Czy integrujecie się z SAP? "Pilne" 😀')).text).toBe(
      'Przekazaliśmy Twoje pytanie do konsultanta (Anna Kowalska). Skontaktuje się z Tobą w ciągu 24h.',
    );

    await settledLead(email);
    expect(mondayItemsByEmail(email)).toHaveLength(1);
    expect(mondayItemsByEmail(email)[0]!.columns.status).toEqual({ label: 'Przekazany do konsultanta' });
    expect(emailsTo(email).filter((m) => m.subject === 'Twoje zapytanie zostało przekazane do konsultanta')).toHaveLength(1);
    const notice = emailsTo('konsultant@leadgate-test.com').filter((m) => m.content?.[0]?.value.includes(email));
    expect(notice).toHaveLength(1);
    expect(notice[0].content[0].value).toContain('Czy integrujecie się z SAP?');
    // After the handoff, text is not taken as another question: the person is shown the options.
    expect((await p.says('Dzięki')).text).toBe('Wybierz jedną z opcji:');
  });

  it('a redelivered update (same update_id) is handled once, even when both arrive at once', async () => {
    const p = person('Piotr');
    const email = uniqueEmail('tg-redelivery');
    await p.says('/start');
    const pick = p.tap('p:1');
    await p.send(pick);
    await p.reply();
    const typed = p.text(email);
    await p.send(typed);
    expect((await p.reply()).text).toContain('Zapisaliśmy Twoje dane');
    // Telegram delivers both again (say, our 200 was lost): no reply, no step, the flow does not go back.
    await p.send(pick);
    await p.send(typed);
    const slots = await p.taps('a:book');
    // Two deliveries of the same slot tap at once: one booking, one confirmation, one answered callback.
    const slot = buttons(slots).at(-2) ?? buttons(slots).at(-1)!;
    const tap = p.tap(slot.callback_data);
    await Promise.all([p.send(tap), p.send(tap)]);
    const booked = await p.reply();
    expect(booked.text).toMatch(/^(Gotowe!|Ten termin został właśnie zajęty)/);
    await new Promise((r) => setTimeout(r, 700));
    expect(p.messages().map((m) => m.text.split(/[.!:]/)[0])).toEqual([
      'Cześć Piotr',
      'Wybrany pakiet',
      'Dziękujemy, Piotr',
      'Wybierz dogodny termin (czas',
      booked.text.split(/[.!:]/)[0],
    ]);
    expect(botCalls.filter((c) => c.method === 'answerCallbackQuery' && c.body.callback_query_id === pick.callback_query.id)).toHaveLength(1);
    expect(botCalls.filter((c) => c.method === 'answerCallbackQuery' && c.body.callback_query_id === tap.callback_query.id)).toHaveLength(1);
    // The redelivered package tap did not make the flow wait for an email again.
    expect((await p.says('Dzień dobry')).text).toBe('Wybierz jedną z opcji:');
  });

  it('a failed sendMessage does not break the webhook answer, is logged without personal data, and the step still happened', async () => {
    const warn = vi.spyOn(console, 'warn');
    try {
      const p = person('Zofia');
      const email = uniqueEmail('tg-fail');
      await p.says('/start');
      await p.taps('p:0');
      sendMessageAnswer = () => HttpResponse.json({ ok: false, error_code: 400, description: 'Bad Request: chat not found' }, { status: 400 });
      const started = Date.now();
      const res = await post(p.text(email));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true });
      expect(Date.now() - started).toBeLessThan(5000);
      await eventually(async () => p.messages().length === 3);
      const logged = await eventually(async () => warn.mock.calls.map((c) => String(c[0])).find((l) => l.includes('"telegram.send_failed"')));
      expect(JSON.parse(logged)).toMatchObject({ level: 'warn', event: 'telegram.send_failed', method: 'sendMessage', status: 400, retryable: false });
      expect(logged).not.toContain(email);
      expect(logged).not.toContain(String(p.id));
      // The lead went through the queue all the same.
      const lead = await settledLead(email);
      expect(lead.firstSource).toBe('chatbot');
      expect(mondayItemsByEmail(email)).toHaveLength(1);
    } finally {
      warn.mockRestore();
    }
  });
});
