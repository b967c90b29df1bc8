import { type ContactInput, isSpam, toContactCapture } from '../domain/contact';
import { newId } from '../domain/ids';
import { logger } from '../logger';
import type { LeadSubmittedEvent } from '../messages/events';
import { publishEvents } from '../messages/publish';
import { admitSubmission } from './admit-submission';
import type { ServiceContext } from './context';

/** A form submission as the site sends it: contact fields, the form (`source`) and its own fields. */
export interface FormSubmission extends ContactInput {
  source: string;
  /** The honeypot. */
  website?: string;
  turnstile_token: string;
  [formField: string]: unknown;
}

/**
 * The request path of a form submission: gate it, then hand it to the durable "events" queue.
 * No database round trip here; the queue consumer writes it (src/services/events).
 */
export async function captureLead({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { submission: FormSubmission; clientIp: string; eventId?: string };
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
  const event: LeadSubmittedEvent = {
    id,
    type: 'lead.submitted',
    occurred_at: occurredAt,
    request_id: ctx.requestId,
    workspace_id: ctx.workspace.id,
    source,
    contact,
    details,
  };
  await publishEvents({ env: ctx.env, core: ctx.config.core }, [event]);
  return { id };
}
