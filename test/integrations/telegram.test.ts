import { HttpResponse, http } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  answerCallbackQuery,
  callbackDataProblem,
  keyboardRows,
  parseTelegramUpdate,
  sendMessage,
  setWebhook,
  verifyTelegramWebhook,
} from '../../src/integrations/telegram/bot-api';
import { server } from '../support/msw';

const options = { botToken: '123456:TEST-token_abc', apiUrl: 'https://api.telegram.org', timeoutMs: 1000 };
const fetcher = (request: Request) => fetch(request);

/** What the Bot API was asked, in order. */
let seen: Array<{ method: string; path: string; contentType: string | null; body: Record<string, unknown> }> = [];
/** The Bot API as documented: `{"ok":true,"result":…}`, or whatever a test answers instead. */
function botApi(answer: (method: string, body: Record<string, unknown>) => Response | undefined = () => undefined) {
  server.use(
    http.post(/^https:\/\/api\.telegram\.org\/bot[^/]+\/\w+$/, async ({ request }) => {
      const url = new URL(request.url);
      const body = (await request.json()) as Record<string, unknown>;
      seen.push({ method: request.method, path: url.pathname, contentType: request.headers.get('content-type'), body });
      const method = url.pathname.split('/').at(-1)!;
      const custom = answer(method, body);
      if (custom) return custom;
      if (method === 'sendMessage')
        return HttpResponse.json({ ok: true, result: { message_id: 42, date: 1767225600, chat: { id: body.chat_id, type: 'private' }, text: body.text } });
      return HttpResponse.json({ ok: true, result: true });
    }),
  );
}

beforeEach(() => {
  seen = [];
});

describe('sendMessage', () => {
  it('posts plain text and an inline keyboard of packages to /bot<token>/sendMessage; the reference is the message id', async () => {
    botApi();
    const packages = keyboardRows([
      { text: 'Pakiet Start – 499 zł', callback_data: 'pkg:start' },
      { text: 'Pakiet Pro – 999 zł', callback_data: 'pkg:pro' },
    ]);
    const result = await sendMessage(fetcher, options, { chatId: 987654321, text: 'Wybierz pakiet <b>teraz</b>:', keyboard: packages });
    expect(result).toMatchObject({ ok: true, statusCode: 200, reference: '42' });
    expect(seen).toEqual([
      {
        method: 'POST',
        path: '/bot123456:TEST-token_abc/sendMessage',
        contentType: 'application/json',
        body: {
          chat_id: 987654321,
          text: 'Wybierz pakiet <b>teraz</b>:',
          reply_markup: {
            inline_keyboard: [[{ text: 'Pakiet Start – 499 zł', callback_data: 'pkg:start' }], [{ text: 'Pakiet Pro – 999 zł', callback_data: 'pkg:pro' }]],
          },
        },
      },
    ]);
    // Plain text: no parse_mode, so nothing in the text is read as markup.
    expect(seen[0]!.body).not.toHaveProperty('parse_mode');
  });

  it('lays slots out two to a row, and sends no reply_markup without buttons', async () => {
    botApi();
    const slots = ['2026-06-15T09:00', '2026-06-15T09:30', '2026-06-15T10:00'].map((s) => ({ text: s.slice(11), callback_data: `slot:${s}` }));
    await sendMessage(fetcher, options, { chatId: 1, text: 'Wybierz godzinę:', keyboard: keyboardRows(slots, 2) });
    await sendMessage(fetcher, options, { chatId: '@leadgate_test', text: 'Dziękujemy!' });
    expect((seen[0]!.body.reply_markup as { inline_keyboard: unknown[][] }).inline_keyboard.map((row) => row.length)).toEqual([2, 1]);
    expect(seen[1]!.body).toEqual({ chat_id: '@leadgate_test', text: 'Dziękujemy!' });
  });

  it('refuses callback_data over 64 bytes (bytes, not characters) before calling Telegram', async () => {
    botApi();
    expect(callbackDataProblem('x'.repeat(64))).toBeNull();
    expect(callbackDataProblem('ą'.repeat(32))).toBeNull();
    expect(callbackDataProblem('ą'.repeat(33))).toBe("callback_data is 66 bytes, more than Telegram's 64");
    expect(callbackDataProblem('')).toBe('callback_data is empty');

    const tooLong = await sendMessage(fetcher, options, {
      chatId: 1,
      text: 'Wybierz:',
      keyboard: [[{ text: 'Slot', callback_data: `slot:${'x'.repeat(60)}` }]],
    });
    expect(tooLong).toEqual({ ok: false, retryable: false, error: "callback_data is 65 bytes, more than Telegram's 64" });
    expect(await sendMessage(fetcher, options, { chatId: 1, text: '' })).toMatchObject({ ok: false, retryable: false });
    expect(await sendMessage(fetcher, options, { chatId: 1, text: 'x'.repeat(4097) })).toMatchObject({ ok: false, retryable: false });
    expect(seen).toEqual([]);

    expect((await sendMessage(fetcher, options, { chatId: 1, text: 'Wybierz:', keyboard: [[{ text: 'Slot', callback_data: 'x'.repeat(64) }]] })).ok).toBe(true);
    expect(seen).toHaveLength(1);
  });

  it('429 with parameters.retry_after is retryable after that many seconds', async () => {
    botApi(() =>
      HttpResponse.json({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } }, { status: 429 }),
    );
    const result = await sendMessage(fetcher, options, { chatId: 1, text: 'Hej' });
    expect(result).toMatchObject({ ok: false, retryable: true, statusCode: 429, retryAfterSeconds: 7 });
  });

  it('a Retry-After header, when Telegram sends one, is not overridden', async () => {
    botApi(() =>
      HttpResponse.json(
        { ok: false, error_code: 429, description: 'Too Many Requests', parameters: { retry_after: 7 } },
        { status: 429, headers: { 'retry-after': '30' } },
      ),
    );
    expect(await sendMessage(fetcher, options, { chatId: 1, text: 'Hej' })).toMatchObject({ retryable: true, retryAfterSeconds: 30 });
  });

  it('400 (chat not found) is final; 5xx retries; ok:false is a failure even under HTTP 200', async () => {
    botApi(() => HttpResponse.json({ ok: false, error_code: 400, description: 'Bad Request: chat not found' }, { status: 400 }));
    expect(await sendMessage(fetcher, options, { chatId: 1, text: 'Hej' })).toMatchObject({ ok: false, retryable: false, statusCode: 400 });
    botApi(() => HttpResponse.json({ ok: false, error_code: 502, description: 'Bad Gateway' }, { status: 502 }));
    expect(await sendMessage(fetcher, options, { chatId: 1, text: 'Hej' })).toMatchObject({ ok: false, retryable: true, statusCode: 502 });
    botApi(() => HttpResponse.json({ ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' }));
    expect(await sendMessage(fetcher, options, { chatId: 1, text: 'Hej' })).toMatchObject({ ok: false, retryable: false, statusCode: 403 });
  });
});

describe('answerCallbackQuery and setWebhook', () => {
  it('answers a pressed button', async () => {
    botApi();
    expect((await answerCallbackQuery(fetcher, options, { callbackQueryId: '4382bfdwdsb323b2d9', text: 'Zarezerwowano!', showAlert: false })).ok).toBe(true);
    expect(seen).toEqual([
      {
        method: 'POST',
        path: '/bot123456:TEST-token_abc/answerCallbackQuery',
        contentType: 'application/json',
        body: { callback_query_id: '4382bfdwdsb323b2d9', text: 'Zarezerwowano!', show_alert: false },
      },
    ]);
  });

  it('sets the webhook with its secret and the update types the hub reads', async () => {
    botApi();
    const webhook = { url: 'https://api.example.com/v1/chat/telegram', secretToken: 'tg_Secret-0123456789', allowedUpdates: ['message', 'callback_query'] };
    expect((await setWebhook(fetcher, options, webhook)).ok).toBe(true);
    expect(seen[0]).toMatchObject({
      path: '/bot123456:TEST-token_abc/setWebhook',
      body: { url: 'https://api.example.com/v1/chat/telegram', secret_token: 'tg_Secret-0123456789', allowed_updates: ['message', 'callback_query'] },
    });
    expect(await setWebhook(fetcher, options, { ...webhook, secretToken: 'has space' })).toMatchObject({ ok: false, retryable: false });
    expect(await setWebhook(fetcher, options, { ...webhook, secretToken: 'x'.repeat(257) })).toMatchObject({ ok: false, retryable: false });
    expect(await setWebhook(fetcher, options, { ...webhook, url: 'http://api.example.com/hook' })).toMatchObject({ ok: false, retryable: false });
    expect(seen).toHaveLength(1);
  });
});

describe('inbound updates', () => {
  const secretToken = 'tg_Secret-0123456789';
  const update = {
    update_id: 771234567,
    message: { message_id: 5, from: { id: 42, is_bot: false, first_name: 'Ola' }, chat: { id: 42, type: 'private' }, date: 1767225600, text: 'Dzień dobry' },
  };
  const inbound = (headers: Record<string, string>, body: unknown = update) => ({
    method: 'POST',
    url: 'https://api.example.com/v1/chat/telegram',
    headers: new Headers(headers),
    rawBody: new TextEncoder().encode(JSON.stringify(body)),
  });

  it('accepts the secret token it set, and names the delivery by update_id', async () => {
    expect(await verifyTelegramWebhook(inbound({ 'x-telegram-bot-api-secret-token': secretToken }), { secretToken })).toEqual({
      ok: true,
      deliveryId: 'update:771234567',
    });
  });

  it('refuses a wrong, longer, shorter or missing token, and refuses everything when none is configured', async () => {
    for (const wrong of ['tg_Secret-0123456788', `${secretToken}x`, secretToken.slice(0, -1)]) {
      expect(await verifyTelegramWebhook(inbound({ 'x-telegram-bot-api-secret-token': wrong }), { secretToken }), wrong).toEqual({
        ok: false,
        reason: 'bad_credentials',
      });
    }
    expect(await verifyTelegramWebhook(inbound({}), { secretToken })).toEqual({ ok: false, reason: 'missing_header' });
    expect(await verifyTelegramWebhook(inbound({ 'x-telegram-bot-api-secret-token': secretToken }), {})).toEqual({ ok: false, reason: 'not_configured' });
  });

  it('parses a text message, a shared contact and a pressed button; other kinds carry neither', () => {
    expect(parseTelegramUpdate(JSON.stringify(update))?.message?.text).toBe('Dzień dobry');
    const contact = parseTelegramUpdate(
      JSON.stringify({
        update_id: 2,
        message: { ...update.message, text: undefined, contact: { phone_number: '+48501234567', first_name: 'Ola', user_id: 42 } },
      }),
    );
    expect(contact?.message?.contact).toEqual({ phone_number: '+48501234567', first_name: 'Ola', user_id: 42 });
    const pressed = parseTelegramUpdate(
      JSON.stringify({
        update_id: 3,
        callback_query: {
          id: '4382bfdwdsb323b2d9',
          from: update.message.from,
          message: update.message,
          chat_instance: '-123456789',
          data: 'slot:2026-06-15T09:00',
        },
      }),
    );
    expect(pressed?.callback_query?.data).toBe('slot:2026-06-15T09:00');
    const edited = parseTelegramUpdate(JSON.stringify({ update_id: 4, edited_message: update.message }));
    expect(edited).toEqual({ update_id: 4 });
    expect(parseTelegramUpdate('{"message":{}}')).toBeNull();
    expect(parseTelegramUpdate('not json')).toBeNull();
  });
});
