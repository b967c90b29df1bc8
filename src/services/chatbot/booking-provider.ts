import type { VisitorSlot } from '../../domain/availability';
import type { ContactCapture } from '../../domain/contact';
import type { ServiceContext } from '../context';

/**
 * Where the chatbot books a meeting. The default is Leadgate's own Scheduler (no double booking, the
 * per-email cap, the .ics invite, cancel and reschedule links); Cal.com is the external one. A partner
 * adapter (Booksy publishes no public API, only a partner API behind a login) would implement this same
 * interface; none is shipped, and no endpoint of it is assumed.
 */
export interface BookingProvider {
  readonly name: 'scheduler' | 'calcom';
  /** Free slots between two instants, on the visitor's clock, earliest first. */
  availability(ctx: ServiceContext, input: { from: number; to: number; timeZone: string }): Promise<VisitorSlot[]>;
  /** Takes the slot or refuses it, in this call: the one synchronous step of a conversation. */
  book(ctx: ServiceContext, input: ChatbotBookingRequest): Promise<BookingOutcome>;
  cancel(ctx: ServiceContext, input: { bookingId: string; reason: string }): Promise<CancelOutcome>;
}

/** What the chatbot knows of the conversation a booking comes from: it reaches the fan-out with the booking. */
export interface ChatbotContext {
  platform: 'chatfuel' | 'telegram';
  /** SHA-256 of the bot user id (hex): GA4's client_id and the conversation's key; never the id itself. */
  user_hash: string;
  package?: string;
  topic?: string;
}

export interface ChatbotBookingRequest {
  /** Leadgate's id for the booking: the same id on a retried request books once. */
  bookingId: string;
  /** One of the offered slots' start, as an ISO instant. */
  start: string;
  timeZone: string;
  contact: ContactCapture;
  notes?: string;
  chatbot: ChatbotContext;
  requestId: string;
}

export interface BookedMeeting {
  /** Leadgate's booking id (GET /api/v1/events/{id} for a Scheduler booking's event). */
  id: string;
  provider: BookingProvider['name'];
  /** The provider's own reference (Cal.com's booking uid); the id itself for the Scheduler. */
  reference: string;
  start: string;
  end: string;
  local_start: string;
  time_zone: string;
  host_name: string;
  cancel_url?: string;
  reschedule_url?: string;
}

export type BookingOutcome =
  | { ok: true; booking: BookedMeeting }
  | { ok: false; reason: 'slot_taken'; nearest: VisitorSlot[] }
  | { ok: false; reason: 'active_booking' | 'too_many_attempts' | 'unavailable' | 'invalid'; retryAfterSeconds?: number; message?: string };

/**
 * too_late: the booking starts too soon to be cancelled online (the Scheduler's DEMO_CANCEL_MIN_NOTICE_MINUTES);
 * the visitor must reply to the invite instead. Retrying does not help.
 */
export type CancelOutcome = { ok: true } | { ok: false; reason: 'not_found' | 'unavailable' | 'too_late'; retryAfterSeconds?: number; message?: string };
