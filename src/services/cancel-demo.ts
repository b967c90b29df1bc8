import { derivedEventId, hostRef } from '../domain/demo-booking';
import { demoGuard } from '../durable-objects/demo-guard';
import { schedulerFor } from '../durable-objects/scheduler';
import { logger } from '../logger';
import type { DemoCancelledEvent } from '../queues/demo-events';
import { bookingAnswer, type BookingAnswer } from './book-demo';
import type { ServiceContext } from './context';
import { bookingNotFound, tooLate, verifiedLink } from './demo-link';

/**
 * Cancels a demo by its signed link: the host's Scheduler frees the slot (SEQUENCE + 1), the person's
 * guard forgets it, and a `demo.cancelled` event sends METHOD:CANCEL invites with the same UID.
 * Repeating the call is harmless: the event id is derived from the booking and its SEQUENCE.
 */
export async function cancelDemo({ ctx, input }: { ctx: ServiceContext; input: { bookingId: string; token: string } }): Promise<BookingAnswer> {
  const claims = await verifiedLink(ctx, input.bookingId, input.token, 'cancel');
  const minNotice = ctx.config.DEMO_CANCEL_MIN_NOTICE_MINUTES;
  const result = await schedulerFor(ctx.env.SCHEDULER, claims.host_id).cancel({ bookingId: input.bookingId, now: Date.now(), minNoticeMinutes: minNotice });
  if (result.state === 'not_found') throw bookingNotFound();
  if (result.state === 'too_late') throw tooLate(minNotice, 'cancel');
  const { booking } = result;
  const host = ctx.config.DEMO_HOSTS.find((h) => h.id === booking.host_id);
  await demoGuard(ctx.env.DEMO_GUARD, booking.contact.email_normalized).release(booking.id);
  const event: DemoCancelledEvent = {
    id: await derivedEventId(`demo.cancelled:${booking.id}:${booking.sequence}`),
    type: 'demo.cancelled',
    occurred_at: new Date().toISOString(),
    request_id: ctx.requestId,
    booking,
    host: host ? hostRef(host) : { id: booking.host_id, name: booking.host_id, email: ctx.config.SALES_INBOX, time_zone: 'UTC' },
  };
  await ctx.env.EVENTS_QUEUE.send(event, { contentType: 'json' });
  logger.info('demo.cancelled', { request_id: ctx.requestId, booking_id: booking.id, repeated: result.state === 'already_cancelled' });
  return bookingAnswer(booking, event.host.name, false);
}
