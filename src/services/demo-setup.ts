import type { Config } from '../config';
import { signBookingLink } from '../domain/booking-link';
import type { DemoHost } from '../domain/demo-hosts';
import { ServiceError } from './errors';

/** Demo booking needs hosts and a link secret; without them the endpoints say so instead of failing later. */
export function demoSetup(demo: Config['demo']): { hosts: DemoHost[]; secret: string } {
  if (demo.hosts.length === 0 || !demo.bookingLinkSecret) {
    throw new ServiceError('service_unavailable', { detail: 'Demo booking is not available right now.' });
  }
  return { hosts: demo.hosts, secret: demo.bookingLinkSecret };
}

/** The signed cancel and reschedule links of a booking, under the API's public origin. */
export async function bookingLinks(secret: string, origin: string, bookingId: string, hostId: string) {
  const link = async (action: 'cancel' | 'reschedule') =>
    `${origin}/api/v1/demo/bookings/${bookingId}/${action}?token=${await signBookingLink(secret, { booking_id: bookingId, host_id: hostId, action })}`;
  return { cancel_url: await link('cancel'), reschedule_url: await link('reschedule') };
}
