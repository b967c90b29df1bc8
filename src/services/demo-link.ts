import { type BookingAction, type BookingLinkClaims, verifyBookingLink } from '../domain/booking-link';
import { signedWorkspace } from '../domain/workspace';
import { logger } from '../logger';
import { ServiceError } from '../services/errors';
import type { ServiceContext } from './context';
import { demoSetup } from './demo-setup';

/** The claims of a genuine link for this booking and action; anything else is refused with 403. */
export async function verifiedLink(ctx: ServiceContext, bookingId: string, token: string, action: BookingAction): Promise<BookingLinkClaims> {
  const { secret } = demoSetup(ctx.config.demo);
  const claims = await verifyBookingLink(secret, token, { bookingId, action, workspaceId: signedWorkspace(ctx.workspace.id) });
  if (!claims) {
    logger.warn('demo.link_refused', { request_id: ctx.requestId, action });
    throw new ServiceError('forbidden', { detail: 'This link is not valid. Please use the link from your latest invite email.' });
  }
  return claims;
}

export const tooLate = (minutes: number, action: BookingAction) =>
  new ServiceError('conflict', {
    detail: `A demo can no longer be ${action === 'cancel' ? 'cancelled' : 'rescheduled'} online less than ${minutes} minutes before it starts. Please reply to the invite email instead.`,
    extra: { reason: 'too_late' },
  });

export const bookingNotFound = () => new ServiceError('not_found', { detail: 'No such demo booking.' });
