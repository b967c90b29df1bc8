import { demoGuard } from '../durable-objects/demo-guard';
import { schedulerFor, searchWindow } from '../durable-objects/scheduler';
import { calendarFor } from '../integrations/calendar';
import { describeError, logger } from '../logger';
import { ServiceError } from '../services/errors';
import { type BookingAnswer, bookingAnswer, checkStart, slotTaken } from './book-demo';
import type { ServiceContext } from './context';
import { bookingNotFound, tooLate, verifiedLink } from './demo-link';

/**
 * Moves a demo by its signed link, within the same host's calendar, in one Scheduler step (the old slot
 * is released only when the new one is taken). Same UID, SEQUENCE + 1, updated invites to both sides
 * (queued by the Scheduler in the same step).
 */
export async function rescheduleDemo({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { bookingId: string; token: string; start: string };
}): Promise<BookingAnswer> {
  const claims = await verifiedLink(ctx, input.bookingId, input.token, 'reschedule');
  const host = ctx.config.demo.hosts.find((h) => h.id === claims.host_id);
  if (!host)
    throw new ServiceError('conflict', {
      detail: 'This demo can no longer be moved online. Please reply to the invite email.',
      extra: { reason: 'host_unavailable' },
    });
  const now = Date.now();
  const start = Date.parse(input.start);
  checkStart(start, now);
  const window = searchWindow(start, now);
  const busy = await calendarFor(host, ctx.config)
    .busy(window.start, window.end)
    .catch((err) => {
      logger.warn('demo.calendar_unavailable', { request_id: ctx.requestId, host_id: host.id, error: describeError(err) });
      throw new ServiceError('service_unavailable', { retryAfterSeconds: 30 });
    });
  const minNotice = ctx.config.demo.cancelMinNoticeMinutes;
  const result = await schedulerFor(ctx.env.SCHEDULER, ctx.workspace.id, host.id).reschedule({
    bookingId: input.bookingId,
    workspaceId: ctx.workspace.id,
    host,
    start,
    now,
    busy,
    minNoticeMinutes: minNotice,
    reminderMinutes: ctx.config.demo.reminderMinutesBefore,
    requestId: ctx.requestId,
  });
  if (result.state === 'not_found') throw bookingNotFound();
  if (result.state === 'too_late') throw tooLate(minNotice, 'reschedule');
  if (result.state === 'cancelled')
    throw new ServiceError('conflict', { detail: 'This demo was cancelled. Please book a new one.', extra: { reason: 'cancelled' } });
  if (result.state === 'taken') throw slotTaken(result.nearest, result.visitor_time_zone);
  const { booking } = result;
  // The Scheduler queued the updated invites (demo.rescheduled) with the move; the guard only tracks
  // when the demo ends, so a failure there must not turn the move into an error.
  await demoGuard(ctx.env.DEMO_GUARD, ctx.workspace.id, booking.contact.email_normalized)
    .confirm(booking.id, Date.parse(booking.end))
    .catch((err) => {
      logger.warn('demo.guard_confirm_failed', { request_id: ctx.requestId, booking_id: booking.id, error: describeError(err) });
    });
  logger.info('demo.rescheduled', { request_id: ctx.requestId, booking_id: booking.id, sequence: booking.sequence });
  return bookingAnswer(booking, host.name, true);
}
