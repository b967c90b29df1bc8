/** What a CRM gets for a person: an upsert keyed by email. */
export interface CrmContact {
  email: string;
  firstName?: string;
  lastName?: string;
  company?: string;
  companyDomain?: string;
  phone?: string;
  /** Leadgate lifecycle status (new, contacted, qualified, …). */
  status?: string;
  source?: string;
  leadId: string;
}

/** A demo call as the CRM's calendar activity: created once per booking, then moved or cancelled. */
export interface CrmMeeting {
  bookingId: string;
  title: string;
  /** ISO instants. */
  start: string;
  end: string;
  status: 'scheduled' | 'rescheduled' | 'cancelled';
  /** A URL naming the booking: the CRM record is found again by it, so a retry never makes a second one. */
  externalUrl: string;
  description: string;
}

/** One CRM delivery: the contact, and for a booking the meeting on the contact's record. */
export type CrmSync = { kind: 'contact'; contact: CrmContact } | { kind: 'meeting'; contact: CrmContact; meeting: CrmMeeting };
