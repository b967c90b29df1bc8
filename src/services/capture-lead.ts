import type { Touch } from '../db/schema';
import { companyDomainFromEmail, normalizeDomain, normalizeEmail } from '../domain/email';
import { newId } from '../domain/ids';
import type { LeadSubmission } from '../http/schemas/lead-submission';
import { emailDomain, logger } from '../logger';
import type { ContactCapture, LeadSubmittedEvent } from '../queues/event-messages';
import { admitSubmission } from './admit-submission';
import type { ServiceContext } from './context';
import { publishEvents } from './event-queue';

type ContactFields = Pick<LeadSubmission, 'email' | 'name' | 'company' | 'company_domain' | 'phone' | 'consent' | 'utm' | 'referrer' | 'landing_page'>;

/** Normalizes what a form sent about the person into what the lead row stores. */
export function toContactCapture(input: ContactFields, source: string, occurredAt: string): ContactCapture {
  const touch: Touch = { source, at: occurredAt };
  if (input.utm && Object.keys(input.utm).length > 0) touch.utm = input.utm as Record<string, string>;
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

/**
 * The request path of a form submission: gate it, then hand it to the durable "events" queue.
 * No database round trip here; the queue consumer writes it (see record-lead-event.ts).
 */
export async function captureLead({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { submission: LeadSubmission; clientIp: string; eventId?: string };
}): Promise<{ id: string }> {
  const { submission, clientIp } = input;
  const id = input.eventId ?? newId();
  if (isSpam(submission)) {
    logger.info('lead.spam_honeypot', { request_id: ctx.requestId, source: submission.source });
    return { id };
  }
  const occurredAt = new Date().toISOString();
  const contact = toContactCapture(submission, submission.source, occurredAt);
  await admitSubmission({
    ctx,
    input: { emailNormalized: contact.email_normalized, clientIp, turnstileToken: submission.turnstile_token, action: 'lead', eventId: id },
  });

  const { email, name, company, company_domain, phone, consent, utm, referrer, landing_page, website, turnstile_token, source, ...details } = submission;
  const event: LeadSubmittedEvent = { id, type: 'lead.submitted', occurred_at: occurredAt, request_id: ctx.requestId, source, contact, details };
  await publishEvents(ctx, [event]);
  logger.info('lead.accepted', { request_id: ctx.requestId, event_id: id, source, email_domain: emailDomain(contact.email_normalized) });
  return { id };
}
