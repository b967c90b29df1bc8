import { z } from '@hono/zod-openapi';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { adminErrors, ProblemSchema } from '../../http/schemas/common';
import { serviceContext } from '../../http/service-context';
import { replayWebhookEvent } from '../../services/manage-webhook-events';

export const replayWebhookEventRoute = defineRoute(
  { scope: 'deliveries:replay' },
  {
    method: 'post',
    path: '/webhook-events/{id}/replay',
    tags: ['Webhooks (admin)'],
    summary: 'Apply a webhook again',
    description:
      'For a verified webhook that is not fully applied — `unknown_lead` (a lead it names has arrived since; in a batch, other ' +
      'changes may already have applied), `failed`, or stuck `pending` — queues it to be applied again. Each change is applied ' +
      'at most once: a lead already at (or past) the status is left alone, a trial is unlocked once. Applied or ignored ones answer ' +
      '409: a replay never repeats an effect.',
    request: {
      params: z.object({
        id: z.uuid().openapi({ param: { name: 'id', in: 'path' }, description: 'Webhook event id.', example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f' }),
      }),
    },
    responses: {
      202: {
        description: 'Queued to be applied again.',
        content: {
          'application/json': {
            schema: z
              .object({ event_id: z.uuid().openapi({ description: 'The queued event (UUIDv7).', example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f' }) })
              .openapi('WebhookReplay'),
          },
        },
      },
      409: { description: 'Rejected, applied or ignored: nothing to replay.', content: { 'application/problem+json': { schema: ProblemSchema } } },
      ...adminErrors,
    },
  },
);

export const replayWebhookEventHandler = createRouter().openapi(replayWebhookEventRoute, async (c) => {
  const { id } = c.req.valid('param');
  const { eventId } = await replayWebhookEvent({ ctx: serviceContext(c), input: { id } });
  c.header('location', `/api/v1/events/${eventId}`);
  return c.json({ event_id: eventId }, 202);
});
