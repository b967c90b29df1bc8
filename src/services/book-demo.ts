import { type Interval, inVisitorZone, nearestSlots, unionSlots } from '../domain/availability';
import { type ContactCapture, type ContactInput, isSpam, toContactCapture } from '../domain/contact';
import type { BookingChatbotContext, DemoBooking } from '../domain/demo-booking';
import { type DemoHost, hostsByLeastLoad } from '../domain/demo-hosts';
import { newId } from '../domain/ids';
import { demoGuard } from '../durable-objects/demo-guard';
import { schedulerFor, searchWindow } from '../durable-objects/scheduler';
import { calendarFor } from '../integrations/calendar';
import { describeError, emailDomain, logger } from '../logger';
import { admitSubmission } from './admit-submission';
import type { ServiceContext } from './context';
import { bookingLinks, demoSetup } from './demo-setup';
import { invalidField, ServiceError } from './errors';

/** A demo request as the site sends it. */
export interface DemoRequest extends ContactInput {
  name: string;
  company: string;
  /** Start of the chosen slot, as listed by the availability. */
  start: string;
  time_zone: string;
  notes?: string;
  website?: string;
  turnstile_token: string;
}

export interface BookingAnswer {
  booking_id: string;
  status: DemoBooking['status'];
  start: string;
  end: string;
  local_start: string;
  time_zone: string;
  sequence: number;
  host: { name: string };
  cancel_url?: string;
  reschedule_url?: string;
}

export function bookingAnswer(b: DemoBooking, hostName: string, withLinks: boolean): BookingAnswer {
  return {
    booking_id: b.id,
    status: b.status,
    start: b.start,
    end: b.end,
    local_start: inVisitorZone({ start: Date.parse(b.start), end: Date.parse(b.end) }, b.visitor_time_zone).local_start,
    time_zone: b.visitor_time_zone,
    sequence: b.sequence,
    host: { name: hostName },
    ...(withLinks ? { cancel_url: b.cancel_url, reschedule_url: b.reschedule_url } : {}),
  };
}

/** How far ahead a demo can be booked or moved. */
export const BOOKING_HORIZON_DAYS = 90;

/** 422 for a start that cannot be a slot at all: in the past, or beyond the booking horizon. */
export function checkStart(start: number, now: number): void {
  const problem =
    start <= now ? 'must be in the future' : start > now + BOOKING_HORIZON_DAYS * 86_400_000 ? `must be at most ${BOOKING_HORIZON_DAYS} days ahead` : null;
  if (problem) throw invalidField('start', 'out_of_range', problem);
}

/** 409 for a slot someone else holds, with the closest free ones on the visitor's clock. */
export function slotTaken(nearest: Interval[], timeZone: string): ServiceError {
  return new ServiceError('conflict', {
    detail: 'That time is no longer available. Please pick one of the nearest free slots.',
    extra: { reason: 'slot_taken', nearest_slots: nearest.map((s) => inVisitorZone(s, timeZone)) },
  });
}

/**
 * The request path of a demo booking: gate it (Turnstile, per-network limit), then book it (see
 * `bookAdmitted`). The booking is decided here, synchronously, by the Durable Objects; Postgres, the
 * invites and the CRM follow through the events queue.
 */
export async function bookDemo({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { request: DemoRequest; clientIp: string; eventId?: string };
}): Promise<BookingAnswer> {
  const { request, clientIp } = input;
  const { hosts } = demoSetup(ctx.config.demo);
  const id = input.eventId ?? newId();
  const now = Date.now();
  const start = Date.parse(request.start);
  if (isSpam(request)) {
    logger.info('demo.spam_honeypot', { request_id: ctx.requestId });
    const decoy = {
      id,
      host_id: '',
      start: new Date(start).toISOString(),
      end: new Date(start + hosts[0]!.slot_minutes * 60_000).toISOString(),
      status: 'confirmed',
      sequence: 0,
      visitor_time_zone: request.time_zone,
    } as DemoBooking;
    return bookingAnswer(decoy, hosts[0]!.name, false);
  }
  checkStart(start, now);
  const occurredAt = new Date(now).toISOString();
  const contact = toContactCapture(request, 'demo_request', occurredAt);
  await admitSubmission({ ctx, input: { emailNormalized: undefined, clientIp, turnstileToken: request.turnstile_token, action: 'demo_request', eventId: id } });
  const booked = await bookAdmitted({ ctx, input: { id, start, now, timeZone: request.time_zone, notes: request.notes, contact, occurredAt } });
  return bookingAnswer(booked.booking, booked.host.name, true);
}

/** A booking whose request was already admitted by its caller's own gate (Turnstile for the site, the bot's token and limits for the chatbot). */
export interface AdmittedBooking {
  id: string;
  /** The slot's start (UTC ms), already checked with `checkStart`. */
  start: number;
  now: number;
  /** The visitor's time zone. */
  timeZone: string;
  notes?: string;
  contact: ContactCapture;
  occurredAt: string;
  /** How long before the start the reminder goes out (default: the demo's DEMO_REMINDER_MINUTES_BEFORE). */
  reminderMinutes?: number;
  chatbot?: BookingChatbotContext;
}

/**
 * Everything after admission: the person's guard (attempts per hour, one active demo), then the hosts'
 * Schedulers, least loaded first, until one takes the slot; the guard's reservation becomes an active
 * demo. Raises 429 (attempts), 409 (active_demo_exists, slot_taken with the nearest slots) or 503.
 */
export async function bookAdmitted({ ctx, input }: { ctx: ServiceContext; input: AdmittedBooking }): Promise<{ booking: DemoBooking; host: DemoHost }> {
  const { id, now, contact } = input;
  const { hosts, secret } = demoSetup(ctx.config.demo);
  const guard = demoGuard(ctx.env.DEMO_GUARD, ctx.workspace.id, contact.email_normalized);
  const decision = await guard.admit({ bookingId: id, now, attemptsPerHour: ctx.config.demo.attemptsPerHour, maxActive: ctx.config.demo.maxActivePerEmail });
  if (!decision.ok && decision.reason === 'attempts') {
    throw new ServiceError('rate_limited', {
      detail: `Too many booking attempts for this email address. Please try again in ${Math.ceil(decision.retryAfterSeconds / 60)} minutes.`,
      retryAfterSeconds: decision.retryAfterSeconds,
    });
  }
  if (!decision.ok) {
    throw new ServiceError('conflict', {
      detail: 'This email address already has an upcoming demo. Use the reschedule link in its invite to move it.',
      extra: { reason: 'active_demo_exists' },
    });
  }

  // The Scheduler that takes the slot also queues the demo.booked event (invites, CRM, mirror row), and
  // keeps retrying it from its own outbox: once a slot is taken, the booking stands.
  let booked: { booking: DemoBooking; host: DemoHost };
  try {
    booked = await takeSlot(ctx, hosts, input, secret, ctx.config.core.publicOrigin);
  } catch (err) {
    // Nothing was booked: free the person's reservation, then answer the error.
    await guard.release(id).catch(() => undefined);
    throw err;
  }
  // The reservation becomes an active demo; if that fails the reservation still holds for a while, and
  // the booking (already announced) must not be undone for it.
  await guard.confirm(id, Date.parse(booked.booking.end)).catch((err) => {
    logger.warn('demo.guard_confirm_failed', { request_id: ctx.requestId, booking_id: id, error: describeError(err) });
  });
  logger.info('demo.booked', {
    request_id: ctx.requestId,
    booking_id: id,
    host_id: booked.host.id,
    email_domain: emailDomain(contact.email_normalized),
    ...(input.chatbot ? { chatbot: input.chatbot.platform } : {}),
  });
  return booked;
}

async function takeSlot(
  ctx: ServiceContext,
  hosts: DemoHost[],
  b: AdmittedBooking,
  secret: string,
  origin: string,
): Promise<{ booking: DemoBooking; host: DemoHost }> {
  const loads = await Promise.all(hosts.map((h) => schedulerFor(ctx.env.SCHEDULER, ctx.workspace.id, h.id).upcomingCount(b.now)));
  const ordered = hostsByLeastLoad(hosts, Object.fromEntries(hosts.map((h, i) => [h.id, loads[i]!])));
  const window = searchWindow(b.start, b.now);
  const offered: Interval[][] = [];
  for (const host of ordered) {
    let busy: Interval[];
    try {
      busy = await calendarFor(host, ctx.config).busy(window.start, window.end);
    } catch (err) {
      logger.warn('demo.calendar_unavailable', { request_id: ctx.requestId, host_id: host.id, error: describeError(err) });
      continue;
    }
    const links = await bookingLinks(secret, origin, b.id, host.id, ctx.workspace);
    const result = await schedulerFor(ctx.env.SCHEDULER, ctx.workspace.id, host.id).book({
      workspaceId: ctx.workspace.id,
      host,
      start: b.start,
      now: b.now,
      busy,
      reminderMinutes: b.reminderMinutes ?? ctx.config.demo.reminderMinutesBefore,
      requestId: ctx.requestId,
      booking: {
        id: b.id,
        visitor_time_zone: b.timeZone,
        notes: b.notes,
        contact: b.contact,
        ...links,
        created_at: b.occurredAt,
        ...(b.chatbot ? { chatbot: b.chatbot } : {}),
      },
    });
    if (result.ok) return { booking: result.booking, host };
    offered.push(result.nearest);
  }
  // No calendar could be read: we cannot tell free from busy, so we say so rather than guess.
  if (offered.length === 0) throw new ServiceError('service_unavailable', { retryAfterSeconds: 30 });
  throw slotTaken(nearestSlots(unionSlots(offered), b.start), b.timeZone);
}
