import { describe, expect, it } from 'vitest';
import { signBookingLink, verifyBookingLink } from '../../src/domain/booking-link';
import { buildInvite } from '../../src/domain/invite';
import { parseIcs } from './support';

const details = {
  uid: '0193aaaa-bbbb-7ccc-8ddd-eeeeffff0000@leadgate',
  sequence: 0,
  start: Date.parse('2026-11-02T14:00:00Z'),
  end: Date.parse('2026-11-02T14:30:00Z'),
  title: 'Product demo: Acme with Berta',
  description: 'Notes: pipeline reviews',
  organizer: { name: 'Berta Berlin', email: 'berta@example.com' },
  attendee: { name: 'Jane Doe', email: 'jane@acme.com' },
};

describe('.ics invites', () => {
  it('is a METHOD:REQUEST with the UID, SEQUENCE, organizer, attendee and UTC instants', () => {
    const ics = parseIcs(buildInvite(details, 'REQUEST'));
    expect(ics.METHOD).toBe('REQUEST');
    expect(ics.UID).toBe(details.uid);
    expect(ics.SEQUENCE).toBe('0');
    expect(ics.DTSTART).toBe('20261102T140000Z');
    expect(ics.DTEND).toBe('20261102T143000Z');
    expect(ics.STATUS).toBe('CONFIRMED');
    expect(ics.ORGANIZER?.toLowerCase()).toBe('mailto:berta@example.com');
    expect(ics.ATTENDEE?.toLowerCase()).toBe('mailto:jane@acme.com');
  });

  it('cancels with METHOD:CANCEL, the same UID and a higher SEQUENCE', () => {
    const ics = parseIcs(buildInvite({ ...details, sequence: 2 }, 'CANCEL'));
    expect(ics.METHOD).toBe('CANCEL');
    expect(ics.UID).toBe(details.uid);
    expect(ics.SEQUENCE).toBe('2');
    expect(ics.STATUS).toBe('CANCELLED');
  });
});

describe('signed booking links', () => {
  const secret = 'a-test-secret-that-is-long-enough-0123';
  const claims = { booking_id: '0193aaaa-bbbb-7ccc-8ddd-eeeeffff0000', host_id: 'berlin', action: 'cancel' as const };

  it('accepts its own token for the same booking and action', async () => {
    const token = await signBookingLink(secret, claims);
    expect(await verifyBookingLink(secret, token, { bookingId: claims.booking_id, action: 'cancel' })).toEqual(claims);
  });

  it('refuses a tampered, misapplied or foreign token', async () => {
    const token = await signBookingLink(secret, claims);
    const [payload, sig] = token.split('.') as [string, string];
    const flipped = sig.slice(0, -2) + (sig.at(-2) === 'A' ? 'B' : 'A') + sig.at(-1);
    expect(await verifyBookingLink(secret, `${payload}.${flipped}`, { bookingId: claims.booking_id, action: 'cancel' })).toBeNull();
    const otherPayload = (await signBookingLink(secret, { ...claims, host_id: 'newyork' })).split('.')[0];
    expect(await verifyBookingLink(secret, `${otherPayload}.${sig}`, { bookingId: claims.booking_id, action: 'cancel' })).toBeNull();
    expect(await verifyBookingLink(secret, token, { bookingId: claims.booking_id, action: 'reschedule' })).toBeNull();
    expect(await verifyBookingLink(secret, token, { bookingId: '0193aaaa-bbbb-7ccc-8ddd-eeeeffff0001', action: 'cancel' })).toBeNull();
    expect(await verifyBookingLink('another-secret-that-is-long-enough-01', token, { bookingId: claims.booking_id, action: 'cancel' })).toBeNull();
    expect(await verifyBookingLink(secret, 'garbage', { bookingId: claims.booking_id, action: 'cancel' })).toBeNull();
  });

  it("binds a link to its workspace: another workspace's link, or a default one presented elsewhere, is refused", async () => {
    const elsewhere = await signBookingLink(secret, { ...claims, workspace_id: '0193aaaa-bbbb-7ccc-8ddd-000000000b0b' });
    expect(
      await verifyBookingLink(secret, elsewhere, { bookingId: claims.booking_id, action: 'cancel', workspaceId: '0193aaaa-bbbb-7ccc-8ddd-000000000b0b' }),
    ).toMatchObject(claims);
    expect(await verifyBookingLink(secret, elsewhere, { bookingId: claims.booking_id, action: 'cancel' })).toBeNull();
    expect(
      await verifyBookingLink(secret, elsewhere, { bookingId: claims.booking_id, action: 'cancel', workspaceId: '0193aaaa-bbbb-7ccc-8ddd-000000000a0a' }),
    ).toBeNull();
    const home = await signBookingLink(secret, claims);
    expect(
      await verifyBookingLink(secret, home, { bookingId: claims.booking_id, action: 'cancel', workspaceId: '0193aaaa-bbbb-7ccc-8ddd-000000000b0b' }),
    ).toBeNull();
  });
});
