import { sha256 } from '../crypto/digest';
import { bytesToHex } from '../crypto/encoding';
import type { ContactCapture } from './contact';
import type { DemoHost } from './demo-hosts';

export type BookingStatus = 'confirmed' | 'cancelled';

/** The chatbot conversation a booking was made in (absent for the site's demo form). */
export interface BookingChatbotContext {
  platform: 'chatfuel' | 'telegram';
  /** SHA-256 of the bot user id (hex), never the id itself. */
  user_hash: string;
  package?: string;
  topic?: string;
  /** How long before the meeting its reminder goes ("jutro": a day); kept when the booking is moved. */
  reminder_minutes?: number;
}

/** A demo booking as the host's Scheduler Durable Object owns it (times as ISO UTC strings). */
export interface DemoBooking {
  id: string;
  host_id: string;
  start: string;
  end: string;
  status: BookingStatus;
  /** iCalendar SEQUENCE: 0 when booked, +1 per reschedule and on cancellation. */
  sequence: number;
  visitor_time_zone: string;
  notes?: string;
  contact: ContactCapture;
  cancel_url: string;
  reschedule_url: string;
  created_at: string;
  /** Set when the chatbot booked it: the conversation's platform, user hash, package and topic. */
  chatbot?: BookingChatbotContext;
}

/** What invites and emails say about the host. */
export type HostRef = Pick<DemoHost, 'id' | 'name' | 'email' | 'time_zone'>;

export const hostRef = (h: DemoHost): HostRef => ({ id: h.id, name: h.name, email: h.email, time_zone: h.time_zone });

/** The iCalendar UID of a booking: stable for its whole life, so updates and the cancel match it. */
export const inviteUid = (bookingId: string): string => `${bookingId}@leadgate`;

/**
 * A UUID (version 8, RFC 9562) derived from a name with SHA-256: the same change of the same booking
 * always gets the same event id, so a retried cancel, reschedule or reminder is applied once downstream.
 */
export async function derivedEventId(name: string): Promise<string> {
  const b = (await sha256(name)).slice(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = bytesToHex(b);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
