import { z } from '@hono/zod-openapi';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { adminErrors } from '../../http/schemas/common';
import { serviceContext } from '../../http/service-context';
import { getWebhookEvent } from '../../services/manage-webhook-events';
import { WebhookEventViewSchema, webhookEventView } from './webhook-event-view';

export const getWebhookEventRoute = defineRoute(
  { scope: 'leads:read' },
  {
    method: 'get',
    path: '/webhook-events/{id}',
    tags: ['Webhooks (admin)'],
    summary: 'One inbound webhook: what arrived and what applying it did',
    request: {
      params: z.object({
        id: z.uuid().openapi({
          param: { name: 'id', in: 'path' },
          description: 'Webhook event id (the `id` of a webhook receipt).',
          example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f',
        }),
      }),
    },
    responses: {
      200: { description: 'The webhook event.', content: { 'application/json': { schema: WebhookEventViewSchema } } },
      ...adminErrors,
    },
  },
);

export const getWebhookEventHandler = createRouter().openapi(getWebhookEventRoute, async (c) => {
  const { id } = c.req.valid('param');
  return c.json(webhookEventView(await getWebhookEvent({ ctx: serviceContext(c), input: { id } })), 200);
});
