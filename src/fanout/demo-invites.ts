import type { DemoBooking, HostRef } from '../domain/demo-booking';
import { inviteUid } from '../domain/demo-booking';
import { buildInvite } from '../domain/invite';
import { formatInZone } from '../domain/zoned-time';
import type { EmailMessage } from '../integrations/email/types';
import type { DeliveryRequest } from './types';

type Method = 'REQUEST' | 'CANCEL';

/** The .ics both sides get: one UID for the booking's whole life, the host as organizer. */
export function inviteFor(booking: DemoBooking, host: HostRef, method: Method): string {
  const who = booking.contact.company ?? booking.contact.name ?? booking.contact.email;
  return buildInvite(
    {
      uid: inviteUid(booking.id),
      sequence: booking.sequence,
      start: Date.parse(booking.start),
      end: Date.parse(booking.end),
      title: `Product demo: ${who} with ${host.name}`,
      description: [booking.notes ? `Notes: ${booking.notes}` : '', `Reschedule: ${booking.reschedule_url}`, `Cancel: ${booking.cancel_url}`]
        .filter(Boolean)
        .join('\n'),
      organizer: { name: host.name, email: host.email },
      attendee: { name: booking.contact.name, email: booking.contact.email },
    },
    method,
  );
}

/** What the demo email templates show; times on the recipient's own clock. */
export function demoEmailData(booking: DemoBooking, host: HostRef, audience: 'prospect' | 'host', extra: Record<string, unknown> = {}) {
  const tz = audience === 'prospect' ? booking.visitor_time_zone : host.time_zone;
  return {
    audience,
    booking_id: booking.id,
    prospect: {
      name: booking.contact.name ?? null,
      email: booking.contact.email,
      company: booking.contact.company ?? null,
      phone: booking.contact.phone ?? null,
    },
    host: { name: host.name, email: host.email },
    start: booking.start,
    end: booking.end,
    local_start: formatInZone(Date.parse(booking.start), tz),
    local_end: formatInZone(Date.parse(booking.end), tz),
    time_zone: tz,
    notes: booking.notes ?? null,
    ...(audience === 'prospect' ? { cancel_url: booking.cancel_url, reschedule_url: booking.reschedule_url } : {}),
    ...extra,
  };
}

/** One email to the prospect and one to the host, each with the .ics attached. */
export function inviteEmails(
  booking: DemoBooking,
  host: HostRef,
  leadId: string,
  opts: { template: 'demo_invite' | 'demo_cancelled'; method: Method; extra?: Record<string, unknown> },
): DeliveryRequest[] {
  const content = inviteFor(booking, host, opts.method);
  const attachments: EmailMessage['attachments'] = [{ filename: 'invite.ics', contentType: `text/calendar; method=${opts.method}`, content }];
  const prospect = { email: booking.contact.email, ...(booking.contact.name ? { name: booking.contact.name } : {}) };
  return [
    {
      destination: 'email',
      key: opts.template,
      leadId,
      payload: {
        template: opts.template,
        to: [prospect],
        replyTo: { email: host.email, name: host.name },
        data: demoEmailData(booking, host, 'prospect', opts.extra),
        attachments,
      },
    },
    {
      destination: 'email',
      key: `${opts.template}_host`,
      leadId,
      payload: {
        template: opts.template,
        to: [{ email: host.email, name: host.name }],
        replyTo: prospect,
        data: demoEmailData(booking, host, 'host', opts.extra),
        attachments,
      },
    },
  ];
}
