import { providerIsLive } from '../../config';
import { sha256Hex } from '../../crypto/digest';
import { BOT_ERRORS, BOT_TEXTS, type BotField } from '../../domain/chatbot';
import { type ConversationState, conversationFor } from '../../durable-objects/conversation';
import { captureFetch } from '../../integrations/capture/capture-fetch';
import { CaptureSink } from '../../integrations/capture/capture-log';
import type { Fetcher } from '../../integrations/provider-call';
import {
  answerCallbackQuery,
  type InlineButton,
  type InlineKeyboard,
  keyboardRows,
  parseTelegramUpdate,
  sendMessage,
  type TelegramOptions,
  type TelegramUpdate,
  verifyTelegramWebhook,
} from '../../integrations/telegram/bot-api';
import type { InboundWebhook } from '../../integrations/webhooks/verify/types';
import { describeError, logger } from '../../logger';
import type { ServiceContext } from '../context';
import { ServiceError } from '../errors';
import { type BotOption, type BotReply, type BotStep, type BotTurn, runBotStep } from './steps';

/**
 * Telegram as the hub's second channel: a verified update becomes the same conversation steps as
 * Chatfuel's (`runBotStep`, platform `telegram`), and their replies go back through the Bot API.
 *
 * Telegram has no attributes a flow could fill in, so the conversation's Durable Object keeps what the
 * flow waits for (`awaiting`) and the email given (`contact`):
 *
 *   /start (or anything, first)     → conversation-start: the packages as buttons (`p:<index>`)
 *   a package button                → remembered; "your email, please"
 *   text while an email is awaited  → lead; then "Umów spotkanie" (`a:book`) / "Zapytaj konsultanta" (`a:ask`)
 *   "Umów spotkanie"                → availability: the slots as buttons (`s:<epoch seconds>`)
 *   a slot button                   → book (a taken slot answers with the nearest free ones)
 *   "Zapytaj konsultanta"           → "your question, please"; the text that follows → handoff
 *
 * Consent: Telegram carries none, and this flow does not ask, so analytics, SMS and marketing consent
 * count as not given: GA4 gets nothing from Telegram, no SMS is sent (there is no number either), and
 * the emails that need marketing consent (the thank-you) are not sent; the booking confirmation, the
 * handoff emails and the board are.
 *
 * A redelivered update (the same `update_id`, e.g. after a timeout) is recognised by the conversation
 * (`claimUpdate`) and does nothing; each step is also announced once by its own key.
 */

/** callback_data of the buttons: short, far below Telegram's 64 bytes. */
const PACKAGE = 'p:';
const SLOT = 's:';
const BOOK = 'a:book';
const ASK = 'a:ask';

const TELEGRAM_TEXTS = {
  askEmail: (pkg?: string) => `${pkg ? `Wybrany pakiet: ${pkg}. ` : ''}${BOT_ERRORS.missing_email}`,
  askQuestion: 'Napisz swoje pytanie — przekażemy je konsultantowi.',
  pickOption: 'Wybierz jedną z opcji:',
  pickPackage: 'Wybierz pakiet albo napisz /start, aby zacząć od nowa:',
  stale: 'Ta opcja jest już nieaktualna.',
  unsupported: 'Odpowiedz tekstem albo wybierz jedną z opcji.',
} as const;

export interface TelegramReceipt {
  ok: true;
}

interface Outgoing {
  /** The callback query to answer (stops the button's spinner), with an optional notice. */
  answer?: { id: string; text?: string };
  messages: Array<{ text: string; keyboard?: InlineKeyboard }>;
}

type Said = { kind: 'text'; text: string } | { kind: 'button'; data: string } | { kind: 'other' };

/**
 * The webhook: verified by its secret token before anything reads the body (else 401); an update that
 * is not one, or says nothing the flow reads, is acknowledged and ignored (Telegram must not retry it).
 * The step runs now; the replies are sent after the answer (`waitUntil`), and a failed one is logged.
 */
export async function receiveTelegramUpdate({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { request: InboundWebhook; clientIp: string };
}): Promise<TelegramReceipt> {
  const telegram = ctx.config.chatbot.telegram;
  const verdict = await verifyTelegramWebhook(input.request, { secretToken: telegram.webhookSecret });
  if (!verdict.ok) {
    logger.warn('webhook.rejected', { request_id: ctx.requestId, provider: 'telegram', reason: verdict.reason });
    throw new ServiceError('unauthorized', { detail: 'The webhook could not be authenticated.' });
  }
  if (!telegram.botToken)
    throw new ServiceError('service_unavailable', { detail: 'TELEGRAM_BOT_TOKEN is not set: the bot cannot answer.', retryAfterSeconds: 60 });

  const update = parseTelegramUpdate(input.request.rawBody);
  if (!update) {
    logger.warn('telegram.update_ignored', { request_id: ctx.requestId, reason: 'not_an_update' });
    return { ok: true };
  }
  const who = whoSaid(update);
  if (!who) {
    logger.info('telegram.update_ignored', { request_id: ctx.requestId, update_id: update.update_id, reason: 'nothing_to_read' });
    return { ok: true };
  }

  const userId = String(who.from.id);
  const convo = conversationFor(ctx.env.CONVERSATION, ctx.workspace.id, 'telegram', await sha256Hex(userId));
  const ttl = ctx.config.chatbot.conversationTtlSeconds;
  if (!(await convo.claimUpdate(update.update_id, ttl))) {
    logger.info('telegram.update_redelivered', { request_id: ctx.requestId, update_id: update.update_id });
    return { ok: true };
  }

  let messages: Answer;
  try {
    const flow: Flow = {
      ctx,
      convo,
      ttl,
      state: await convo.read(),
      turn: (fields) => ({ platform: 'telegram', userId, clientIp: input.clientIp, fields: { ...nameFields(who.from), ...fields } }),
    };
    messages = await respond(flow, who.said);
  } catch (err) {
    // The update is claimed, so Telegram's retry would be ignored: tell the person to try again instead.
    logger.error('telegram.flow_failed', { request_id: ctx.requestId, update_id: update.update_id, error: describeError(err) });
    messages = say(BOT_ERRORS.unavailable);
  }
  const out: Outgoing = {
    ...(who.callbackQueryId ? { answer: { id: who.callbackQueryId, ...(messages.notice ? { text: messages.notice } : {}) } } : {}),
    messages: messages.send,
  };
  ctx.waitUntil(deliver(ctx, who.chatId, out));
  return { ok: true };
}

type From = { id: number; first_name: string; last_name?: string };

/** Who said what, in a private chat: a text message, or a pressed button. Null for anything else. */
function whoSaid(update: TelegramUpdate): { from: From; chatId: number; said: Said; callbackQueryId?: string } | null {
  const m = update.message;
  if (m) {
    if (!m.from || m.from.is_bot || m.chat.type !== 'private') return null;
    return { from: m.from, chatId: m.chat.id, said: m.text !== undefined ? { kind: 'text', text: m.text } : { kind: 'other' } };
  }
  const q = update.callback_query;
  if (q) {
    if (q.from.is_bot || (q.message && q.message.chat.type !== 'private')) return null;
    // Without its message (an inline-mode button) the private chat with the person has their id.
    const chatId = q.message?.chat.id ?? q.from.id;
    return { from: q.from, chatId, said: q.data !== undefined ? { kind: 'button', data: q.data } : { kind: 'other' }, callbackQueryId: q.id };
  }
  return null;
}

/** Text as a person typed it, made storable (no NUL, no lone surrogate) and bounded. */
const storable = (value: string, max: number) => value.replaceAll('\u0000', '').toWellFormed().trim().slice(0, max);

function nameFields(from: From): Partial<Record<BotField, string>> {
  const first = storable(from.first_name, 100);
  const last = from.last_name ? storable(from.last_name, 100) : '';
  return { ...(first ? { first_name: first } : {}), ...(last ? { last_name: last } : {}) };
}

interface Flow {
  ctx: ServiceContext;
  convo: ReturnType<typeof conversationFor>;
  ttl: number;
  state: ConversationState | null;
  turn: (fields: BotTurn['fields']) => BotTurn;
}

interface Answer {
  send: Outgoing['messages'];
  /** Shown on the pressed button's notice. */
  notice?: string;
}

const say = (text: string, keyboard?: InlineKeyboard): Answer => ({ send: [{ text, ...(keyboard?.length ? { keyboard } : {}) }] });

const step = (f: Flow, name: BotStep, fields: BotTurn['fields'] = {}) => runBotStep({ ctx: f.ctx, input: { step: name, turn: f.turn(fields) } });

const awaiting = (f: Flow, what: NonNullable<ConversationState['awaiting']>) => f.convo.update({ awaiting: what }, f.ttl);

async function respond(f: Flow, said: Said): Promise<Answer> {
  if (said.kind === 'button') return pressed(f, said.data);
  if (said.kind === 'other') return say(TELEGRAM_TEXTS.unsupported, hintKeyboard(f));
  const text = said.text.trim();
  if (/^\/start(@\w+)?(\s|$)/.test(text) || !f.state?.awaiting) return start(f);
  if (f.state.awaiting === 'email') return lead(f, text);
  if (f.state.awaiting === 'question') return handoff(f, text);
  return say(f.state.contact ? TELEGRAM_TEXTS.pickOption : TELEGRAM_TEXTS.pickPackage, hintKeyboard(f));
}

async function start(f: Flow): Promise<Answer> {
  const reply = await step(f, 'conversation-start');
  if (!reply.error) await awaiting(f, 'button');
  return fromReply(f, reply);
}

async function pressed(f: Flow, data: string): Promise<Answer> {
  if (data.startsWith(PACKAGE)) {
    const index = data.slice(PACKAGE.length);
    const pkg = /^\d{1,3}$/.test(index) ? f.ctx.config.chatbot.packages[Number(index)] : undefined;
    if (!pkg) return { ...say(BOT_ERRORS.invalid_package, packageKeyboard(f)), notice: TELEGRAM_TEXTS.stale };
    await f.convo.update({ package: pkg, awaiting: 'email' }, f.ttl);
    return say(TELEGRAM_TEXTS.askEmail(pkg));
  }
  if (data === BOOK || data === ASK) {
    const email = f.state?.contact?.email;
    if (!email) {
      await awaiting(f, 'email');
      return say(TELEGRAM_TEXTS.askEmail());
    }
    if (data === ASK) {
      await awaiting(f, 'question');
      return say(TELEGRAM_TEXTS.askQuestion);
    }
    const reply = await step(f, 'availability');
    return reply.error === 'no_slots'
      ? say(reply.text ?? BOT_ERRORS.no_slots, keyboardRows([{ text: BOT_TEXTS.askConsultant, callback_data: ASK }]))
      : fromReply(f, reply);
  }
  if (data.startsWith(SLOT) && /^\d{1,12}$/.test(data.slice(SLOT.length))) {
    const email = f.state?.contact?.email;
    if (!email) {
      await awaiting(f, 'email');
      return say(TELEGRAM_TEXTS.askEmail());
    }
    const meetingStart = new Date(Number(data.slice(SLOT.length)) * 1000).toISOString();
    const reply = await step(f, 'book', { email, meeting_start: meetingStart, ...(f.state?.package ? { package: f.state.package } : {}) });
    return afterContactStep(f, reply);
  }
  return { ...say(TELEGRAM_TEXTS.pickOption, hintKeyboard(f)), notice: TELEGRAM_TEXTS.stale };
}

async function lead(f: Flow, text: string): Promise<Answer> {
  const email = storable(text, 2000); // validated by the step (a cut address could look valid)
  const reply = await step(f, 'lead', { email, ...(f.state?.package ? { package: f.state.package } : {}) });
  if (reply.error) return fromReply(f, reply); // still awaiting the email (or a limit, or a failure: say so, try again)
  await f.convo.update({ contact: { email }, awaiting: 'button' }, f.ttl);
  return say(reply.text ?? TELEGRAM_TEXTS.pickOption, actionKeyboard());
}

async function handoff(f: Flow, text: string): Promise<Answer> {
  const email = f.state?.contact?.email;
  if (!email) {
    await awaiting(f, 'email');
    return say(TELEGRAM_TEXTS.askEmail());
  }
  const reply = await step(f, 'handoff', { email, question: storable(text, 2000), ...(f.state?.package ? { package: f.state.package } : {}) });
  return afterContactStep(f, reply);
}

/** After a step that needed the email: a refused one asks for it again; a done one awaits a button. */
async function afterContactStep(f: Flow, reply: BotReply): Promise<Answer> {
  if (reply.error === 'missing_email' || reply.error === 'invalid_email') await awaiting(f, 'email');
  else if (!reply.error) await awaiting(f, 'button');
  return fromReply(f, reply);
}

/** A step's neutral reply as a Telegram message: its options as inline buttons. */
function fromReply(f: Flow, reply: BotReply): Answer {
  const buttons = (reply.options ?? []).map((o) => buttonOf(f, o)).filter((b): b is InlineButton => b !== null);
  const slots = reply.options?.some((o) => o.field === 'meeting_start') ?? false;
  return say(reply.text ?? TELEGRAM_TEXTS.pickOption, buttons.length ? keyboardRows(buttons, slots ? 2 : 1) : undefined);
}

function buttonOf(f: Flow, o: BotOption): InlineButton | null {
  if (o.field === 'package') {
    const index = f.ctx.config.chatbot.packages.indexOf(o.value);
    return index < 0 ? null : { text: o.title, callback_data: `${PACKAGE}${index}` };
  }
  if (o.field === 'meeting_start') {
    const at = Date.parse(o.value);
    return Number.isNaN(at) ? null : { text: o.title, callback_data: `${SLOT}${Math.floor(at / 1000)}` };
  }
  return null;
}

const packageKeyboard = (f: Flow): InlineKeyboard =>
  keyboardRows(f.ctx.config.chatbot.packages.map((p, i) => ({ text: p.slice(0, 64), callback_data: `${PACKAGE}${i}` })));

const actionKeyboard = (): InlineKeyboard =>
  keyboardRows(
    [
      { text: BOT_TEXTS.yesBook, callback_data: BOOK },
      { text: BOT_TEXTS.askConsultant, callback_data: ASK },
    ],
    2,
  );

/** What the person can do from here: the two actions once the email is known, else the packages. */
const hintKeyboard = (f: Flow): InlineKeyboard => (f.state?.contact ? actionKeyboard() : packageKeyboard(f));

/** The Bot API calls, live or (PROVIDER_MODE=capture) recorded with the token taken out of the URL. */
function telegramFetcher(ctx: ServiceContext): { fetcher: Fetcher; flush: () => Promise<void> } {
  if (providerIsLive(ctx.config.delivery, 'telegram')) return { fetcher: (request) => fetch(request), flush: async () => {} };
  const sink = new CaptureSink(ctx.env);
  const capture = captureFetch(sink, 'chatbot', 'telegram');
  return {
    fetcher: (request) => capture(new Request(request.url.replace(/\/bot[^/]+\//, '/bot[redacted]/'), request)),
    flush: () => sink.flush(),
  };
}

/** Sends the answer and the messages, in order; never throws. A failure is logged without the text or the chat. */
async function deliver(ctx: ServiceContext, chatId: number, out: Outgoing): Promise<void> {
  const t = ctx.config.chatbot.telegram;
  const o: TelegramOptions = { botToken: t.botToken ?? '', apiUrl: t.apiUrl, timeoutMs: ctx.config.delivery.timeoutMs };
  const { fetcher, flush } = telegramFetcher(ctx);
  const failed = (method: string, r: { statusCode?: number; retryable: boolean }) =>
    logger.warn('telegram.send_failed', { request_id: ctx.requestId, method, status: r.statusCode ?? null, retryable: r.retryable });
  try {
    if (out.answer) {
      const r = await answerCallbackQuery(fetcher, o, { callbackQueryId: out.answer.id, ...(out.answer.text ? { text: out.answer.text } : {}) });
      if (!r.ok) failed('answerCallbackQuery', r);
    }
    for (const m of out.messages) {
      const r = await sendMessage(fetcher, o, { chatId, text: m.text, ...(m.keyboard ? { keyboard: m.keyboard } : {}) });
      if (!r.ok) failed('sendMessage', r);
    }
    await flush();
  } catch (err) {
    logger.error('telegram.send_failed', { request_id: ctx.requestId, error: describeError(err) });
  }
}
