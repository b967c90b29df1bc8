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

/** A transferred lead's sale as the CRM's deal: opened by the transfer, then won or lost. */
export interface CrmDeal {
  saleId: string;
  title: string;
  status: 'open' | 'won' | 'lost';
  /** Leadgate's sale stage (new, kyc, agreement, paid, lost), for the deal's record. */
  stage: string;
}

/**
 * One CRM delivery: the contact (its status says where the lead is), for a booking the meeting on the
 * contact's record, for a sale its deal.
 */
export type CrmSync =
  | { kind: 'contact'; contact: CrmContact }
  | { kind: 'meeting'; contact: CrmContact; meeting: CrmMeeting }
  | { kind: 'deal'; contact: CrmContact; deal: CrmDeal };
