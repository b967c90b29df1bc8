import { createEvent } from 'ics';

/** What a calendar invite says about one demo booking. */
export interface InviteDetails {
  /** Stable across updates and the cancellation: calendars match them by UID. */
  uid: string;
  /** 0 when booked, +1 on every reschedule and on the cancellation. */
  sequence: number;
  start: number;
  end: number;
  title: string;
  description: string;
  organizer: { name: string; email: string };
  attendee: { name?: string; email: string };
  url?: string;
}

/**
 * An iTIP invite (RFC 5546) as .ics text: METHOD:REQUEST for a new or moved demo, METHOD:CANCEL to
 * withdraw it. Times are written as UTC instants (…Z) so no calendar can misread the time zone.
 */
export function buildInvite(details: InviteDetails, method: 'REQUEST' | 'CANCEL'): string {
  const { error, value } = createEvent({
    method,
    uid: details.uid,
    sequence: details.sequence,
    productId: 'leadgate/demo',
    start: details.start,
    startInputType: 'utc',
    startOutputType: 'utc',
    end: details.end,
    endInputType: 'utc',
    endOutputType: 'utc',
    title: details.title,
    description: details.description,
    status: method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED',
    organizer: { name: details.organizer.name, email: details.organizer.email },
    attendees: [
      { name: details.attendee.name ?? details.attendee.email, email: details.attendee.email, rsvp: true, partstat: 'NEEDS-ACTION', role: 'REQ-PARTICIPANT' },
    ],
    ...(details.url ? { url: details.url } : {}),
  });
  if (error || !value) throw new Error(`invite could not be built: ${error?.message ?? 'empty'}`);
  return value;
}
