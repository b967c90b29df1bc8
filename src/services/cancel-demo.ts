import { type HostRef, hostRef } from '../domain/demo-booking';
import { demoGuard } from '../durable-objects/demo-guard';
import { schedulerFor } from '../durable-objects/scheduler';
import { logger } from '../logger';
import { type BookingAnswer, bookingAnswer } from './book-demo';
import type { ServiceContext } from './context';
import { bookingNotFound, tooLate, verifiedLink } from './demo-link';

/**
 * Cancels a demo by its signed link: the host's Scheduler frees the slot (SEQUENCE + 1) and, in the same
 * step, queues the `demo.cancelled` event (METHOD:CANCEL invites with the same UID) from its outbox; the
 * person's guard forgets it. Repeating the call is harmless (the event id is derived from the booking and
 * its SEQUENCE) and retries whatever did not happen the first time.
 */
export async function cancelDemo({ ctx, input }: { ctx: ServiceContext; input: { bookingId: string; token: string } }): Promise<BookingAnswer> {
  const claims = await verifiedLink(ctx, input.bookingId, input.token, 'cancel');
  const minNotice = ctx.config.demo.cancelMinNoticeMinutes;
  const configured = ctx.config.demo.hosts.find((h) => h.id === claims.host_id);
  const host: HostRef = configured ? hostRef(configured) : { id: claims.host_id, name: claims.host_id, email: ctx.config.email.salesInbox, time_zone: 'UTC' };
  const result = await schedulerFor(ctx.env.SCHEDULER, ctx.workspace.id, claims.host_id).cancel({
    bookingId: input.bookingId,
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
