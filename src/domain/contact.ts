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

/** The fields of a lead that facts state, each remembered with when it was last stated. */
export const STATED_FIELDS = ['email', 'name', 'company', 'company_domain', 'phone', 'consent.marketing', 'consent.analytics', 'consent.sms'] as const;
export type StatedField = (typeof STATED_FIELDS)[number];

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
  /** When each field got its current value (ms): a later statement wins, an earlier one changes nothing. */
  stated: Partial<Record<StatedField, number>>;
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
 * oldest fact's; the last touch the newest's; every field (name, company, phone, each consent purpose…)
 * holds what the latest fact that stated it said, so an older fact arriving late only fills a field
 * nothing newer has stated. Each field is its own last-writer-wins register keyed by occurrence time,
 * which is what makes the result independent of arrival order and of how facts are split into batches.
 * Pure, so a batch is merged in memory and written with one statement.
 */
export function mergeContact(current: LeadContact | null, facts: ContactFact[]): LeadContact | null {
  let lead = current;
  for (const fact of facts) lead = applyFact(lead, fact);
  return lead;
}

function statedValues(c: ContactCapture): Partial<Record<StatedField, string | boolean>> {
  const values: Partial<Record<StatedField, string | boolean>> = { email: c.email };
  if (c.name) values.name = c.name;
  if (c.company) values.company = c.company;
  if (c.company_domain) values.company_domain = c.company_domain;
  if (c.phone) values.phone = c.phone;
  for (const purpose of ['marketing', 'analytics', 'sms'] as const) {
    const v = c.consent?.[purpose];
    if (typeof v === 'boolean') values[`consent.${purpose}`] = v;
  }
  return values;
}

function applyFact(lead: LeadContact | null, { contact: c, occurredAt }: ContactFact): LeadContact {
  const next: LeadContact = lead
    ? { ...lead, consent: { ...lead.consent }, stated: { ...lead.stated } }
    : {
        email: c.email,
        name: null,
        company: null,
        companyDomain: null,
        phone: null,
        firstSource: c.touch.source,
        firstTouch: c.touch,
        lastTouch: c.touch,
        consent: {},
        stated: {},
        lastSeenAt: occurredAt,
        firstSeenAt: occurredAt,
      };
  for (const [field, value] of Object.entries(statedValues(c)) as Array<[StatedField, string | boolean]>) {
    if (occurredAt < (next.stated[field] ?? Number.NEGATIVE_INFINITY)) continue;
    next.stated[field] = occurredAt;
    if (field === 'email') next.email = value as string;
    else if (field === 'name') next.name = value as string;
    else if (field === 'company') next.company = value as string;
    else if (field === 'company_domain') next.companyDomain = value as string;
    else if (field === 'phone') next.phone = value as string;
    else next.consent[field.slice('consent.'.length) as keyof Consent] = value as boolean;
  }
  if (lead && occurredAt < lead.firstSeenAt) {
    next.firstSeenAt = occurredAt;
    next.firstSource = c.touch.source;
    next.firstTouch = c.touch;
  }
  if (lead && occurredAt >= lead.lastSeenAt) {
    next.lastSeenAt = occurredAt;
    next.lastTouch = c.touch;
  }
  return next;
}
