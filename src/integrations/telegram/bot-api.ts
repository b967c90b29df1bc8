import { z } from 'zod';
import { utf8 } from '../../crypto/encoding';
import { secretsEqual } from '../../crypto/hmac';
import { callProvider, type Fetcher, type SendResult } from '../provider-call';
import { bodyDeliveryId, boundedId, isRecord, parseJson } from '../webhooks/verify/body';
import { type InboundWebhook, reject, type Verification } from '../webhooks/verify/types';

export interface TelegramOptions {
  botToken: string;
  /** https://api.telegram.org, or a local Bot API server. */
  apiUrl: string;
  timeoutMs: number;
}

/** A button that answers with a callback query carrying `callback_data` (a package, a slot). */
export interface InlineButton {
  text: string;
  callback_data: string;
}
/** Rows of buttons, top to bottom. */
export type InlineKeyboard = InlineButton[][];

/** Telegram's limits: callback_data 1–64 bytes (UTF-8, not characters); message text 1–4096 characters. */
export const CALLBACK_DATA_MAX_BYTES = 64;
const TEXT_MAX = 4096;

/** Why `data` cannot be a button's callback_data, or null when it can. */
export function callbackDataProblem(data: string): string | null {
  const bytes = utf8(data).byteLength;
  if (bytes === 0) return 'callback_data is empty';
  return bytes > CALLBACK_DATA_MAX_BYTES ? `callback_data is ${bytes} bytes, more than Telegram's ${CALLBACK_DATA_MAX_BYTES}` : null;
}

/** Buttons laid out `perRow` to a row (slots two by two, packages one under another). */
export function keyboardRows(buttons: InlineButton[], perRow = 1): InlineKeyboard {
  const rows: InlineKeyboard = [];
  for (let i = 0; i < buttons.length; i += Math.max(1, perRow)) rows.push(buttons.slice(i, i + Math.max(1, perRow)));
  return rows;
}

/** Refused before any request: Telegram would answer 400, and sending it again cannot help. */
const refused = (error: string): SendResult => ({ ok: false, retryable: false, error });

/**
 * A plain-text message, optionally with an inline keyboard. No `parse_mode`: nothing in the text is
 * markup, so customer names and the like need no escaping. The reference is the message id.
 */
export function sendMessage(
  fetcher: Fetcher,
  o: TelegramOptions,
  m: { chatId: number | string; text: string; keyboard?: InlineKeyboard },
): Promise<SendResult> {
  // Counted in UTF-16 code units, which is never fewer than the characters Telegram counts.
  if (m.text.length === 0 || m.text.length > TEXT_MAX) return Promise.resolve(refused(`text must be 1–${TEXT_MAX} characters`));
  for (const button of m.keyboard?.flat() ?? []) {
    const problem = button.text.trim() === '' ? 'a button has no text' : callbackDataProblem(button.callback_data);
    if (problem) return Promise.resolve(refused(problem));
  }
  const body: Record<string, unknown> = { chat_id: m.chatId, text: m.text };
  if (m.keyboard?.length) body.reply_markup = { inline_keyboard: m.keyboard };
  return call(fetcher, o, 'sendMessage', body, (result) => (isRecord(result) && result.message_id !== undefined ? String(result.message_id) : undefined));
}

/** Stops the button's spinner; `text` shows as a notice (or an alert) to the person who pressed it. */
export function answerCallbackQuery(
  fetcher: Fetcher,
  o: TelegramOptions,
  a: { callbackQueryId: string; text?: string; showAlert?: boolean },
): Promise<SendResult> {
  const body: Record<string, unknown> = { callback_query_id: a.callbackQueryId };
  if (a.text !== undefined) body.text = a.text;
  if (a.showAlert !== undefined) body.show_alert = a.showAlert;
  return call(fetcher, o, 'answerCallbackQuery', body);
}

/** What Telegram allows as a webhook secret: 1–256 of A–Z, a–z, 0–9, _ and -. */
const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * Points the bot at Leadgate: Telegram will POST each update to `url` with the secret in
 * `X-Telegram-Bot-Api-Secret-Token`, and only the update types listed.
 */
export function setWebhook(
  fetcher: Fetcher,
  o: TelegramOptions,
  w: { url: string; secretToken: string; allowedUpdates: string[]; dropPendingUpdates?: boolean },
): Promise<SendResult> {
  if (!w.url.startsWith('https://')) return Promise.resolve(refused('the webhook URL must be https'));
  if (!SECRET_TOKEN.test(w.secretToken)) return Promise.resolve(refused('the secret token must be 1–256 of A-Z a-z 0-9 _ -'));
  const body: Record<string, unknown> = { url: w.url, secret_token: w.secretToken, allowed_updates: w.allowedUpdates };
  if (w.dropPendingUpdates !== undefined) body.drop_pending_updates = w.dropPendingUpdates;
  return call(fetcher, o, 'setWebhook', body);
}

function call(fetcher: Fetcher, o: TelegramOptions, method: string, body: unknown, reference?: (result: unknown) => string | undefined): Promise<SendResult> {
  const request = new Request(`${o.apiUrl}/bot${o.botToken}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return callProvider(withBotApiErrors(fetcher), request, {
    timeoutMs: o.timeoutMs,
    reference: reference && ((_res, parsed) => (isRecord(parsed) ? reference(parsed.result) : undefined)),
  });
}

/**
 * The Bot API says how long to wait in its body (`parameters.retry_after`, seconds), not always in a
 * Retry-After header; and `ok: false` is the failure, whatever the status. Both are made into what
 * `callProvider` reads (status and Retry-After), so the one retry policy decides.
 */
function withBotApiErrors(fetcher: Fetcher): Fetcher {
  return async (request) => {
    const res = await fetcher(request);
    const text = await res.clone().text();
    const body = parseJson(text);
    if (!isRecord(body) || body.ok !== false) return res;
    const headers = new Headers(res.headers);
    const retryAfter = isRecord(body.parameters) ? body.parameters.retry_after : undefined;
    if (typeof retryAfter === 'number' && Number.isInteger(retryAfter) && retryAfter >= 0 && !headers.has('retry-after'))
      headers.set('retry-after', String(retryAfter));
    const code = typeof body.error_code === 'number' && body.error_code >= 400 && body.error_code <= 599 ? body.error_code : 502;
    return new Response(text, { status: res.ok ? code : res.status, headers });
  };
}

/**
 * Telegram does not sign updates: the secret given to setWebhook comes back in
 * `X-Telegram-Bot-Api-Secret-Token`, compared here in constant time (hashed to equal length first, so
 * not even its length leaks). A retried update repeats its `update_id`.
 */
export async function verifyTelegramWebhook(req: InboundWebhook, secrets: { secretToken?: string }): Promise<Verification> {
  if (!secrets.secretToken) return reject('not_configured');
  const header = req.headers.get('x-telegram-bot-api-secret-token');
  if (!header) return reject('missing_header');
  if (!(await secretsEqual(header, secrets.secretToken))) return reject('bad_credentials');
  const body = parseJson(req.rawBody);
  const updateId = isRecord(body) && Number.isSafeInteger(body.update_id) ? String(body.update_id) : null;
  return { ok: true, deliveryId: updateId ? await boundedId('update:', updateId) : await bodyDeliveryId(req.rawBody) };
}

const UserSchema = z.object({
  id: z.number().int(),
  is_bot: z.boolean(),
  first_name: z.string(),
  last_name: z.string().optional(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});
const MessageSchema = z.object({
  message_id: z.number().int(),
  from: UserSchema.optional(),
  chat: z.object({ id: z.number().int(), type: z.string() }),
  date: z.number().int(),
  text: z.string().optional(),
  /** A shared phone number (the "share contact" button): the hub's way to get a number it may text. */
  contact: z.object({ phone_number: z.string(), first_name: z.string(), last_name: z.string().optional(), user_id: z.number().int().optional() }).optional(),
});

/**
 * The parts of an Update the hub reads: a message (text or a shared contact) and a pressed inline
 * button. Other update kinds parse with neither, and are ignored. `callback_query.message` may be an
 * inaccessible (old) message: it still has its chat, id and a date of 0.
 */
export const TelegramUpdateSchema = z.object({
  update_id: z.number().int(),
  message: MessageSchema.optional(),
  callback_query: z
    .object({
      id: z.string(),
      from: UserSchema,
      message: MessageSchema.optional(),
      chat_instance: z.string(),
      data: z.string().optional(),
    })
    .optional(),
});
export type TelegramUpdate = z.infer<typeof TelegramUpdateSchema>;

/** A verified update's body, or null when it is not an Update. */
export function parseTelegramUpdate(rawBody: Uint8Array | string): TelegramUpdate | null {
  const parsed = TelegramUpdateSchema.safeParse(parseJson(rawBody));
  return parsed.success ? parsed.data : null;
}
