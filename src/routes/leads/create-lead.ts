import { acceptedHeaders, idempotent } from '../../http/idempotency';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { AcceptedHeaders, AcceptedSchema, IdempotencyKeyHeader, publicWriteErrors } from '../../http/schemas/common';
import { LeadSubmissionSchema } from '../../http/schemas/lead-submission';
import { clientIp, serviceContext } from '../../http/service-context';
import { captureLead } from '../../services/capture-lead';

export const createLeadRoute = defineRoute('public', {
  method: 'post',
  path: '/leads',
  tags: ['Leads'],
  summary: 'Capture a lead from any form',
  description:
    'Validates the submission, checks the honeypot, Turnstile (action `lead`) and the per-email and per-network limits, ' +
    'then queues it durably and answers 202 with the event id (and its `Location`). The lead appears in Postgres within seconds; ' +
    'notifications and CRM sync follow in the background. A filled honeypot gets the same 202 and is stored nowhere.',
  request: {
    headers: IdempotencyKeyHeader,
    body: { required: true, content: { 'application/json': { schema: LeadSubmissionSchema } } },
  },
  responses: {
    202: { description: 'Accepted: the submission is durable.', headers: AcceptedHeaders, content: { 'application/json': { schema: AcceptedSchema } } },
    ...publicWriteErrors,
  },
});

export const createLead = createRouter().openapi(createLeadRoute, async (c) => {
  const submission = c.req.valid('json');
  const { turnstile_token, ...fingerprint } = submission;
  const answer = await idempotent(c, 'leads', fingerprint, async (eventId) => {
    const { id } = await captureLead({ ctx: serviceContext(c), input: { submission, clientIp: clientIp(c), eventId } });
    return { status: 202 as const, body: { id } };
  });
  acceptedHeaders(c, answer.body.id, answer.replayed);
  return c.json(answer.body, answer.status);
});
