import type { Config } from '../config';
import { signBookingLink } from '../domain/booking-link';
import type { DemoHost } from '../domain/demo-hosts';
import { ApiError } from '../http/errors';

/** Demo booking needs hosts and a link secret; without them the endpoints say so instead of failing later. */
export function demoSetup(config: Config): { hosts: DemoHost[]; secret: string } {
  if (config.DEMO_HOSTS.length === 0 || !config.BOOKING_LINK_SECRET) {
    throw new ApiError('service_unavailable', { detail: 'Demo booking is not available right now.' });
  }
  return { hosts: config.DEMO_HOSTS, secret: config.BOOKING_LINK_SECRET };
}

/** The signed cancel and reschedule links of a booking, under the API's own origin. */
export async function bookingLinks(secret: string, origin: string, bookingId: string, hostId: string) {
  const link = async (action: 'cancel' | 'reschedule') =>
    `${origin}/api/v1/demo/bookings/${bookingId}/${action}?token=${await signBookingLink(secret, { booking_id: bookingId, host_id: hostId, action })}`;
  return { cancel_url: await link('cancel'), reschedule_url: await link('reschedule') };
}
