import { z } from '@hono/zod-openapi';
import { acceptedHeaders, idempotent } from '../../http/idempotency';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { AcceptedHeaders, AcceptedSchema, IdempotencyKeyHeader, publicWriteErrors } from '../../http/schemas/common';
import { isManagerLead, LeadSubmissionSchema } from '../../http/schemas/lead-submission';
import { clientIp, serviceContext } from '../../http/service-context';
import { captureLead } from '../../services/capture-lead';
import { invalidField } from '../../services/errors';
import { createManagedLead } from '../../services/pipeline/manager-leads';
import { LeadViewSchema, leadView } from './lead-view';

export const createLeadRoute = defineRoute(
  { scope: 'leads:write', orPublic: true },
  {
    method: 'post',
    path: '/leads',
    tags: ['Leads'],
    summary: 'Capture a lead from any form, or record one (manager)',
    description:
      'From the site (no API key): validates the submission, checks the honeypot, Turnstile (action `lead`) and the per-email and per-network limits, ' +
      'then queues it durably and answers 202 with the event id (and its `Location`). The lead appears in Postgres within seconds; ' +
      'notifications and CRM sync follow in the background. A filled honeypot gets the same 202 and is stored nowhere.\n\n' +
      "From a manager (an API key with `leads:write`): a lead from the manager's own channel (`source`: partner, referral, event, " +
      'outbound or manual), with its `business_domain`; no captcha. It is written at once and answered 201 with the lead; an email ' +
      'that is already a lead answers 409 with its `lead_id`.',
    request: {
      headers: IdempotencyKeyHeader,
      body: { required: true, content: { 'application/json': { schema: LeadSubmissionSchema } } },
    },
    responses: {
      201: {
        description: 'Recorded (manager): the lead, at version 1.',
        headers: z.object({ location: z.string().openapi({ description: 'GET /api/v1/leads/{id}.', example: '/api/v1/leads/01936f0e-…' }) }),
        content: { 'application/json': { schema: LeadViewSchema } },
      },
      202: {
        description: 'Accepted (site): the submission is durable.',
        headers: AcceptedHeaders,
        content: { 'application/json': { schema: AcceptedSchema } },
      },
      ...publicWriteErrors,
      409: {
        description: 'A request with the same Idempotency-Key is still in progress; or (manager) a lead with this email exists (`lead_id`).',
        content: publicWriteErrors[409].content,
      },
    },
  },
);

export const createLead = createRouter().openapi(createLeadRoute, async (c) => {
  const submission = c.req.valid('json');
  const keyed = c.var.scopes !== undefined;
  if (isManagerLead(submission) !== keyed) {
    throw keyed
      ? invalidField('source', 'invalid_value', 'with an API key, record leads from partner, referral, event, outbound or manual')
      : invalidField('source', 'invalid_value', `${submission.source} leads are recorded with an API key of scope leads:write`);
  }
  if (isManagerLead(submission)) {
    const ctx = serviceContext(c);
    const lead = await createManagedLead({
      ctx,
      input: {
        email: submission.email,
        name: submission.name,
        company: submission.company,
        companyDomain: submission.company_domain,
        phone: submission.phone,
        source: submission.source,
        businessDomain: submission.business_domain,
        note: submission.note,
      },
    });
    c.header('location', `/api/v1/leads/${lead.id}`);
    c.header('etag', `"${lead.version}"`);
    return c.json(leadView(lead), 201);
  }
  const { turnstile_token, ...fingerprint } = submission;
  const answer = await idempotent(c, 'leads', fingerprint, async (eventId) => {
    const { id } = await captureLead({ ctx: serviceContext(c), input: { submission, clientIp: clientIp(c), eventId } });
    return { status: 202 as const, body: { id } };
  });
  acceptedHeaders(c, answer.body.id, answer.replayed);
  return c.json(answer.body, answer.status);
});
