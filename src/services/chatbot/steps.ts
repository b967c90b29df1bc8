import { z } from 'zod';
import { sha256Hex } from '../../crypto/digest';
import type { VisitorSlot } from '../../domain/availability';
import { BOT_ERRORS, BOT_TEXTS, type BotErrorCode, type BotField, isStepName, isYes, phoneToE164, slotLabel, visitorTimeZone } from '../../domain/chatbot';
import type { ContactCapture } from '../../domain/contact';
import { toContactCapture } from '../../domain/contact';
import { newId } from '../../domain/ids';
import { clientNetwork } from '../../domain/network';
import { type ConversationState, conversationFor } from '../../durable-objects/conversation';
import { takeLimit } from '../../durable-objects/rate-limiter';
import { localDateTime } from '../../fanout/chatbot-fanout';
import { describeError, logger } from '../../logger';
import type { ChatbotStep, ChatbotStepEvent } from '../../messages/events';
import { publishEvents } from '../../messages/publish';
import type { ServiceContext } from '../context';
import { bookingProviderFor } from './booking';
import type { BookedMeeting, ChatbotContext } from './booking-provider';

/**
 * The steps of a chatbot conversation, whatever the platform (Chatfuel, Telegram): each answers at once
 * with a neutral reply the route puts in the bot's own format. Every effect outside the conversation
 * (the lead, the board, GA4, the emails and texts) is an event on the queue, announced under an id the
 * conversation keeps, so a retried step is taken once; the one synchronous effect is the slot itself.
 */

export type Platform = ChatbotContext['platform'];

export interface BotTurn {
  platform: Platform;
  /** The bot's id for the person (Chatfuel's "chatfuel user id", Telegram's chat id). Never stored as it is. */
  userId: string;
  clientIp: string;
  fields: Partial<Record<BotField, string>>;
}

export interface BotOption {
  title: string;
  /** The field the choice sets (its attribute name is the bot's), and to what. */
  field: BotField;
  value: string;
}

export interface BotReply {
  text?: string;
  options?: BotOption[];
  /** Attributes to set on the bot's side, by field. */
  fields?: Partial<Record<BotField | 'booking_id' | 'lead_event_id' | 'meeting_local', string>>;
  /** Set on anything the flow should branch on: the field to ask again for, or what went wrong. */
  error?: BotErrorCode;
  /** For the route: the step was refused for too many requests (Retry-After). */
  retryAfterSeconds?: number;
}

export type BotStep = 'conversation-start' | 'lead' | 'availability' | 'book' | 'handoff' | 'track';

const EmailSchema = z.email().max(254);

const refuse = (error: BotErrorCode, extra: Partial<BotReply> = {}): BotReply => ({ text: BOT_ERRORS[error], error, ...extra });

/** Runs one step for one person: limits first (per bot user, per network), then the step. */
export async function runBotStep({ ctx, input }: { ctx: ServiceContext; input: { step: BotStep; turn: BotTurn } }): Promise<BotReply> {
  const { turn } = input;
  const userHash = await sha256Hex(turn.userId);
  const convo = conversationFor(ctx.env.CONVERSATION, ctx.workspace.id, turn.platform, userHash);
  const c: StepContext = { ctx, turn, userHash, convo, ttl: ctx.config.chatbot.conversationTtlSeconds };
  try {
    const limited = await overLimit(ctx, turn, userHash);
    if (limited) return refuse('rate_limited', { retryAfterSeconds: limited });
    switch (input.step) {
      case 'conversation-start':
        return await conversationStart(c);
      case 'lead':
        return await lead(c);
      case 'availability':
        return await availability(c);
      case 'book':
        return await book(c);
      case 'handoff':
        return await handoff(c);
      case 'track':
        return await track(c);
    }
  } catch (err) {
    // The visitor reads the answer: say "try again" in Polish, never the error. A retry is safe — every
    // step is announced under the id its conversation keeps.
    logger.error('chatbot.step_failed', { request_id: ctx.requestId, step: input.step, platform: turn.platform, error: describeError(err) });
    return refuse('unavailable');
  }
}

interface StepContext {
  ctx: ServiceContext;
  turn: BotTurn;
  userHash: string;
  convo: ReturnType<typeof conversationFor>;
  ttl: number;
}

async function overLimit(ctx: ServiceContext, turn: BotTurn, userHash: string): Promise<number | null> {
  const { perUser, perNetwork } = ctx.config.chatbot.limits;
  const [byUser, byIp] = await Promise.all([
    takeLimit(ctx.env.RATE_LIMITER, ctx.workspace.id, `bot:${turn.platform}:${userHash}`, perUser.limit, perUser.windowSeconds),
    takeLimit(ctx.env.RATE_LIMITER, ctx.workspace.id, `botip:${clientNetwork(turn.clientIp)}`, perNetwork.limit, perNetwork.windowSeconds),
  ]);
  const refused = [byUser, byIp].filter((d) => !d.allowed);
  if (refused.length === 0) return null;
  logger.warn('chatbot.rate_limited', { request_id: ctx.requestId, by: byUser.allowed ? 'ip' : 'user', platform: turn.platform });
  return Math.max(...refused.map((d) => d.retryAfterSeconds));
}

const displayName = (f: BotTurn['fields']) => f.name ?? ([f.first_name, f.last_name].filter(Boolean).join(' ') || undefined);

/** The packages as buttons. */
function packageOptions(ctx: ServiceContext): BotOption[] {
  // Messenger shows at most 11 quick replies.
  return ctx.config.chatbot.packages.slice(0, 11).map((p) => ({ title: p.slice(0, 20), field: 'package', value: p }));
}

/** A package the bot sent must be one on offer (compared without case); absent is fine. */
function pickedPackage(ctx: ServiceContext, value: string | undefined): { ok: true; value?: string } | { ok: false } {
  if (value === undefined) return { ok: true };
  const found = ctx.config.chatbot.packages.find((p) => p.toLowerCase() === value.toLowerCase());
  return found ? { ok: true, value: found } : { ok: false };
}

/** Announces a step once per conversation key: the id is claimed first, so a retry re-sends the same event. */
async function announce(c: StepContext, key: string, build: (id: string) => ChatbotStepEvent): Promise<string> {
  const claimed = await c.convo.claimStep(key, newId(), c.ttl);
  await publishEvents({ env: c.ctx.env, core: c.ctx.config.core }, [build(claimed.eventId)]);
  return claimed.eventId;
}

function stepEvent(
  c: StepContext,
  id: string,
  step: ChatbotStep,
  state: Pick<ConversationState, 'package' | 'topic'> | null,
  extra: Partial<ChatbotStepEvent> = {},
): ChatbotStepEvent {
  const f = c.turn.fields;
  return {
    id,
    type: 'chatbot.step',
    occurred_at: new Date().toISOString(),
    request_id: c.ctx.requestId,
    workspace_id: c.ctx.workspace.id,
    step,
    platform: c.turn.platform,
    user_hash: c.userHash,
    ...(state?.package ? { package: state.package } : {}),
    ...(state?.topic ? { topic: state.topic.slice(0, 500) } : {}),
    ...(f.source ? { source: f.source.slice(0, 100) } : {}),
    analytics_consent: isYes(f.consent_analytics),
    ...extra,
  };
}

/** The person's contact details from the turn, validated: the field to ask again for when one is wrong. */
function contactOf(c: StepContext): { ok: true; contact: ContactCapture } | { ok: false; error: BotErrorCode } {
  const f = c.turn.fields;
  if (!f.email) return { ok: false, error: 'missing_email' };
  if (!EmailSchema.safeParse(f.email).success) return { ok: false, error: 'invalid_email' };
  let phone: string | undefined;
  if (f.phone) {
    const e164 = phoneToE164(f.phone);
    if (!e164) return { ok: false, error: 'invalid_phone' };
    phone = e164;
  }
  const name = displayName(f)?.slice(0, 200);
  return {
    ok: true,
    contact: toContactCapture(
      {
        email: f.email,
        ...(name ? { name } : {}),
        ...(phone ? { phone } : {}),
        consent: { marketing: isYes(f.consent_marketing), sms: isYes(f.consent_sms), analytics: isYes(f.consent_analytics) },
      },
      'chatbot',
      new Date().toISOString(),
    ),
  };
}

async function conversationStart(c: StepContext): Promise<BotReply> {
  const picked = pickedPackage(c.ctx, c.turn.fields.package);
  const state = await c.convo.update({ ...(picked.ok && picked.value ? { package: picked.value } : {}), topic: c.turn.fields.topic }, c.ttl);
  await announce(c, 'conversation_start', (id) => stepEvent(c, id, 'conversation_start', state));
  return { text: BOT_TEXTS.greeting(c.ctx.config.chatbot.company.name, c.turn.fields.first_name), options: packageOptions(c.ctx) };
}

async function lead(c: StepContext): Promise<BotReply> {
  const picked = pickedPackage(c.ctx, c.turn.fields.package);
  if (!picked.ok) return refuse('invalid_package', { options: packageOptions(c.ctx) });
  const contact = contactOf(c);
  if (!contact.ok) return refuse(contact.error);
  const state = await c.convo.update({ package: picked.value, topic: c.turn.fields.topic }, c.ttl);
  // One lead step per set of contact details: the same details again are a retry; corrected ones are news.
  const key = `lead:${contact.contact.email_normalized}:${contact.contact.phone ?? ''}`;
  const id = await announce(c, key, (eventId) => stepEvent(c, eventId, 'lead', state, { contact: contact.contact }));
  return {
    text: BOT_TEXTS.leadSaved(c.turn.fields.first_name),
    fields: { lead_event_id: id, ...(picked.value ? { package: picked.value } : {}) },
  };
}

const DAY = 86_400_000;

async function offerSlots(c: StepContext, timeZone: string, slots: VisitorSlot[], intro: string, error?: BotErrorCode): Promise<BotReply> {
  const offered = slots.slice(0, c.ctx.config.chatbot.slotsOffered);
  await c.convo.update({ offered }, c.ttl);
  if (offered.length === 0) return refuse('no_slots');
  return {
    text: intro,
    options: offered.map((s) => ({ title: slotLabel(s, timeZone), field: 'meeting_start', value: new Date(s.start).toISOString() })),
    ...(error ? { error } : {}),
  };
}

async function availability(c: StepContext): Promise<BotReply> {
  const timeZone = visitorTimeZone(c.turn.fields.timezone, c.ctx.config.chatbot.timeZone);
  const now = Date.now();
  let slots: VisitorSlot[];
  try {
    slots = await bookingProviderFor(c.ctx.config).availability(c.ctx, { from: now, to: now + 14 * DAY, timeZone });
  } catch (err) {
    logger.warn('chatbot.availability_failed', { request_id: c.ctx.requestId, error: describeError(err) });
    return refuse('booking_unavailable');
  }
  return offerSlots(c, timeZone, slots, BOT_TEXTS.pickSlot(timeZone));
}

async function book(c: StepContext): Promise<BotReply> {
  const f = c.turn.fields;
  const timeZone = visitorTimeZone(f.timezone, c.ctx.config.chatbot.timeZone);
  const state = await c.convo.read();
  const start = f.meeting_start ? Date.parse(f.meeting_start) : Number.NaN;
  // A retried confirmation of the booking just made answers with it again.
  if (state?.booking && Date.parse(state.booking.start) === start) return bookedReply(state.booking.start, timeZone, state.booking.host_name, state.booking.id);
  const offered = state?.offered ?? [];
  // Only a slot this conversation was offered (and still in the future) can be booked.
  const slot = offered.find((s) => Date.parse(s.start) === start);
  if (Number.isNaN(start) || !slot || start <= Date.now()) {
    if (offered.length > 0)
      return offerSlots(
        c,
        timeZone,
        offered.filter((s) => Date.parse(s.start) > Date.now()),
        BOT_ERRORS.invalid_slot,
        'invalid_slot',
      );
    return refuse('invalid_slot');
  }
  const contact = contactOf(c);
  if (!contact.ok) return refuse(contact.error);
  const picked = pickedPackage(c.ctx, f.package);
  const context: ChatbotContext = {
    platform: c.turn.platform,
    user_hash: c.userHash,
    ...(picked.ok && picked.value ? { package: picked.value } : state?.package ? { package: state.package } : {}),
    ...(f.topic ? { topic: f.topic.slice(0, 500) } : state?.topic ? { topic: state.topic } : {}),
  };
  const startIso = new Date(start).toISOString();
  // The same conversation asking for the same slot again gets the same booking id (the provider books an id
  // once); it is a fresh UUIDv7, so GET /api/v1/events/{booking_id} answers `queued` until the booking is stored.
  const { eventId: bookingId } = await c.convo.claimStep(`booking:${startIso}`, newId(), c.ttl);
  const provider = bookingProviderFor(c.ctx.config);
  const outcome = await provider.book(c.ctx, {
    bookingId,
    start: startIso,
    timeZone,
    contact: contact.contact,
    chatbot: context,
    requestId: c.ctx.requestId,
  });
  if (!outcome.ok) {
    switch (outcome.reason) {
      case 'slot_taken':
        return offerSlots(c, timeZone, outcome.nearest, BOT_ERRORS.slot_taken, 'slot_taken');
      case 'active_booking':
        return refuse('active_booking');
      case 'too_many_attempts':
        return refuse('rate_limited', { retryAfterSeconds: outcome.retryAfterSeconds });
      case 'invalid':
        return refuse('invalid_slot');
      case 'unavailable':
        return refuse('booking_unavailable');
    }
  }
  const b = outcome.booking;
  // A Scheduler booking announces itself (demo.booked, from the host's own outbox); another provider's is
  // announced here, before the conversation remembers it: if the announcement fails, the bot's retry books
  // the same id again (the provider finds it) and announces it then.
  if (b.provider !== 'scheduler') await announceBooking(c, b, contact.contact, context);
  await c.convo.update({ booking: { id: b.id, start: b.start, provider: b.provider, local_start: b.local_start, host_name: b.host_name }, offered: [] }, c.ttl);
  return bookedReply(b.start, timeZone, b.host_name, b.id);
}

/** Announced under the booking's own id, so GET /api/v1/events/{booking_id} opens it. */
async function announceBooking(c: StepContext, b: BookedMeeting, contact: ContactCapture, context: ChatbotContext): Promise<void> {
  await publishEvents({ env: c.ctx.env, core: c.ctx.config.core }, [
    stepEvent(c, b.id, 'booked', { package: context.package, topic: context.topic }, { contact, booking: b }),
  ]);
}

function bookedReply(start: string, timeZone: string, host: string, bookingId: string): BotReply {
  const instant = /Z$|[+-]\d\d:\d\d$/.test(start) ? start : new Date(start).toISOString();
  const { date, time } = localDateTime(instant, timeZone);
  return { text: BOT_TEXTS.booked(date, time, host), fields: { booking_id: bookingId, meeting_local: `${date} ${time}` } };
}

async function handoff(c: StepContext): Promise<BotReply> {
  const contact = contactOf(c);
  if (!contact.ok) return refuse(contact.error);
  const f = c.turn.fields;
  const question = (f.question ?? f.freeform)?.slice(0, 2000);
  const state = await c.convo.update({ question, topic: f.topic }, c.ttl);
  // One handoff per question: the same question again is a retry, another one is news for the consultant.
  await announce(c, `handoff:${contact.contact.email_normalized}:${question ?? ''}`, (id) =>
    stepEvent(c, id, 'handoff', state, { contact: contact.contact, ...(question ? { question } : {}) }),
  );
  return { text: BOT_TEXTS.handedOff(c.ctx.config.chatbot.consultant.name) };
}

async function track(c: StepContext): Promise<BotReply> {
  const step = c.turn.fields.step;
  if (!step || !isStepName(step)) return refuse('invalid_step');
  const state = await c.convo.read();
  await announce(c, `track:${step}`, (id) => stepEvent(c, id, 'track', state, { track: step }));
  return { fields: { step } };
}
