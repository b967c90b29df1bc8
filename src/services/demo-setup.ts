import type { Config } from '../config';
import { signBookingLink } from '../domain/booking-link';
import type { DemoHost } from '../domain/demo-hosts';
import { signedWorkspace } from '../domain/workspace';
import type { WorkspaceRef } from './context';
import { ServiceError } from './errors';

/** Demo booking needs hosts and a link secret; without them the endpoints say so instead of failing later. */
export function demoSetup(demo: Config['demo']): { hosts: DemoHost[]; secret: string } {
  if (demo.hosts.length === 0 || !demo.bookingLinkSecret) {
    throw new ServiceError('service_unavailable', { detail: 'Demo booking is not available right now.' });
  }
  return { hosts: demo.hosts, secret: demo.bookingLinkSecret };
}

/** The signed cancel and reschedule links of a booking, under the API's public origin. */
export async function bookingLinks(secret: string, origin: string, bookingId: string, hostId: string, workspace: WorkspaceRef) {
  const workspaceId = signedWorkspace(workspace.id);
  // Outside the default workspace the link names its workspace twice: `ws` (to find it) and in the signed token (to trust it).
  const ws = workspaceId ? `&ws=${encodeURIComponent(workspace.slug)}` : '';
  const link = async (action: 'cancel' | 'reschedule') =>
    `${origin}/api/v1/demo/bookings/${bookingId}/${action}?token=${await signBookingLink(secret, { booking_id: bookingId, host_id: hostId, action, workspace_id: workspaceId })}${ws}`;
  return { cancel_url: await link('cancel'), reschedule_url: await link('reschedule') };
}
