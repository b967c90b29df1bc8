import type { DemoBooking, HostRef } from '../domain/demo-booking';
import { hostRef } from '../domain/demo-booking';
import type { DemoHost } from '../domain/demo-hosts';
import { demoGuard } from '../durable-objects/demo-guard';
import { schedulerFor } from '../durable-objects/scheduler';
import { logger } from '../logger';
import { type BookingAnswer, bookingAnswer } from './book-demo';
import type { ServiceContext } from './context';
import { bookingNotFound, tooLate, verifiedLink } from './demo-link';
import { demoSetup } from './demo-setup';

/**
 * Cancels a demo by its signed link: the host's Scheduler frees the slot (SEQUENCE + 1) and, in the same
 * step, queues the `demo.cancelled` event (METHOD:CANCEL invites with the same UID) from its outbox; the
 * person's guard forgets it. Repeating the call is harmless (the event id is derived from the booking and
 * its SEQUENCE) and retries whatever did not happen the first time.
 */
export async function cancelDemo({ ctx, input }: { ctx: ServiceContext; input: { bookingId: string; token: string } }): Promise<BookingAnswer> {
  const claims = await verifiedLink(ctx, input.bookingId, input.token, 'cancel');
  const configured = ctx.config.demo.hosts.find((h) => h.id === claims.host_id);
  const host: HostRef = configured ? hostRef(configured) : { id: claims.host_id, name: claims.host_id, email: ctx.config.email.salesInbox, time_zone: 'UTC' };
  return cancelOnHost(ctx, input.bookingId, host);
}

/**
 * Cancels a demo by its id alone, for a caller that authenticated itself (the chatbot, by its token)
 * instead of holding the booking's signed link: the booking is looked up among the configured hosts'
 * Schedulers, then cancelled exactly as the link would (same notice rule, events and guard release).
 * A booking of a host no longer configured is not found.
 */
export async function cancelDemoById({ ctx, input }: { ctx: ServiceContext; input: { bookingId: string } }): Promise<BookingAnswer> {
  const found = await findDemoBooking(ctx, input.bookingId);
  if (!found) throw bookingNotFound();
  return cancelOnHost(ctx, input.bookingId, hostRef(found.host));
}

/** The booking with this id and its host, asking every configured host's Scheduler (there are few); null if none has it. */
export async function findDemoBooking(ctx: ServiceContext, bookingId: string): Promise<{ booking: DemoBooking; host: DemoHost } | null> {
  const { hosts } = demoSetup(ctx.config.demo);
  const found = await Promise.all(hosts.map((h) => schedulerFor(ctx.env.SCHEDULER, ctx.workspace.id, h.id).booking(bookingId)));
  const at = found.findIndex((b) => b !== null);
  return at < 0 ? null : { booking: found[at]!, host: hosts[at]! };
}

async function cancelOnHost(ctx: ServiceContext, bookingId: string, host: HostRef): Promise<BookingAnswer> {
  const minNotice = ctx.config.demo.cancelMinNoticeMinutes;
  const result = await schedulerFor(ctx.env.SCHEDULER, ctx.workspace.id, host.id).cancel({
    bookingId,
    now: Date.now(),
    minNoticeMinutes: minNotice,
    requestId: ctx.requestId,
    host,
  });
  if (result.state === 'not_found') throw bookingNotFound();
  if (result.state === 'too_late') throw tooLate(minNotice, 'cancel');
  const { booking } = result;
  await demoGuard(ctx.env.DEMO_GUARD, ctx.workspace.id, booking.contact.email_normalized).release(booking.id);
  logger.info('demo.cancelled', { request_id: ctx.requestId, booking_id: booking.id, repeated: result.state === 'already_cancelled' });
  return bookingAnswer(booking, host.name, false);
}
