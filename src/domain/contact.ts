import { companyDomainFromEmail, normalizeDomain, normalizeEmail } from './email';

/** Consent per purpose as last stated by the person; a purpose never asked about is absent (= refused). */
export interface Consent {
  marketing?: boolean;
  analytics?: boolean;
  sms?: boolean;
}

/** Where a visit came from: the form, its UTM parameters, referrer and landing page. */
export interface Touch {
  source: string;
  utm?: Record<string, string>;
  referrer?: string;
  landing_page?: string;
  at: string;
}

/** The contact data of a person as captured at the edge (already normalized). */
export interface ContactCapture {
  email: string;
  email_normalized: string;
  name?: string;
  company?: string;
  company_domain?: string | null;
  phone?: string;
  consent?: Consent;
  touch: Touch;
}

/** What a form (or the chatbot, or a manager) says about a person, before normalization. */
export interface ContactInput {
  email: string;
  name?: string;
  company?: string;
  company_domain?: string;
  phone?: string;
  consent?: Consent;
  utm?: Record<string, string | undefined>;
  referrer?: string;
  landing_page?: string;
}

/** Normalizes what a form sent about the person into what the lead row stores. */
export function toContactCapture(input: ContactInput, source: string, occurredAt: string): ContactCapture {
  const touch: Touch = { source, at: occurredAt };
  const utm = Object.fromEntries(Object.entries(input.utm ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
  if (Object.keys(utm).length > 0) touch.utm = utm;
  if (input.referrer) touch.referrer = input.referrer;
  if (input.landing_page) touch.landing_page = input.landing_page;
  return {
    email: input.email,
    email_normalized: normalizeEmail(input.email),
    name: input.name,
    company: input.company,
    company_domain: input.company_domain ? normalizeDomain(input.company_domain) : companyDomainFromEmail(input.email),
    phone: input.phone,
    consent: input.consent,
    touch,
  };
}

/** The honeypot was filled: a bot. It gets the answer a person gets, so it learns nothing. */
export function isSpam(input: { website?: string }): boolean {
  return !!input.website && input.website.trim().length > 0;
}

/** The contact part of a lead row, as the merge sees it. */
export interface LeadContact {
  email: string;
  name: string | null;
  company: string | null;
  companyDomain: string | null;
  phone: string | null;
  firstSource: string;
  firstTouch: Touch;
  lastTouch: Touch;
  consent: Consent;
  /** Occurrence time of the newest fact applied (ms). */
  lastSeenAt: number;
  /** Occurrence time of the oldest fact applied (ms): the first touch's. */
  firstSeenAt: number;
}

/** A fact about a person and when it happened: one event's contact capture. */
export interface ContactFact {
  contact: ContactCapture;
  occurredAt: number;
}

/**
 * Applies facts to a lead (or to nobody yet), in any order, with one result: the first touch is the
 * oldest fact's and never changes afterwards; contact data, the last touch and consent follow the newest
 * fact, and an older fact only fills gaps (a field the newer data leaves empty); consent is applied
 * purpose by purpose in the order the facts happened. Pure, so a batch can be merged in memory and
 * written with one statement, and the same facts applied one by one give the same lead.
 */
export function mergeContact(current: LeadContact | null, facts: ContactFact[]): LeadContact | null {
  const ordered = [...facts].sort((a, b) => a.occurredAt - b.occurredAt);
  let lead = current;
  for (const fact of ordered) lead = applyFact(lead, fact);
  return lead;
}

function applyFact(lead: LeadContact | null, { contact: c, occurredAt }: ContactFact): LeadContact {
  if (!lead) {
    return {
      email: c.email,
      name: c.name ?? null,
      company: c.company ?? null,
      companyDomain: c.company_domain ?? null,
      phone: c.phone ?? null,
      firstSource: c.touch.source,
      firstTouch: c.touch,
      lastTouch: c.touch,
      consent: { ...(c.consent ?? {}) },
      lastSeenAt: occurredAt,
      firstSeenAt: occurredAt,
    };
  }
  const newer = occurredAt >= lead.lastSeenAt;
  const pick = (fresh: string | null | undefined, kept: string | null) => (newer ? (fresh ?? kept) : (kept ?? fresh ?? null));
  const older = occurredAt < lead.firstSeenAt;
  return {
    email: newer ? c.email : lead.email,
    name: pick(c.name, lead.name),
    company: pick(c.company, lead.company),
    companyDomain: pick(c.company_domain, lead.companyDomain),
    phone: pick(c.phone, lead.phone),
    firstSource: older ? c.touch.source : lead.firstSource,
    firstTouch: older ? c.touch : lead.firstTouch,
    lastTouch: newer ? c.touch : lead.lastTouch,
    // A newer statement of a purpose overrides; an older one only fills a purpose never stated since.
    consent: newer ? { ...lead.consent, ...(c.consent ?? {}) } : { ...(c.consent ?? {}), ...lead.consent },
    lastSeenAt: Math.max(lead.lastSeenAt, occurredAt),
    firstSeenAt: Math.min(lead.firstSeenAt, occurredAt),
  };
}
