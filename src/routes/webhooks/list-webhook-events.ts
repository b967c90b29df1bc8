import { z } from '@hono/zod-openapi';
import { WEBHOOK_OUTCOMES } from '../../db/schema';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { adminErrors } from '../../http/schemas/common';
import { serviceContext } from '../../http/service-context';
import { WEBHOOK_PROVIDERS } from '../../integrations/webhooks/verify';
import { listWebhookEvents } from '../../services/manage-webhook-events';
import { decodeCursor, encodeCursor, pageQuery } from '../cursor';
import { WebhookEventViewSchema, webhookEventView } from './webhook-event-view';

const QuerySchema = z.object({
  provider: z.enum(WEBHOOK_PROVIDERS).optional().openapi({ description: 'Only this provider.', example: 'hubspot' }),
  outcome: z
    .enum(WEBHOOK_OUTCOMES)
    .optional()
    .openapi({ description: 'Only this outcome (e.g. unknown_lead to find leads the CRM knows and Leadgate does not).', example: 'unknown_lead' }),
  verified: z.enum(['true', 'false']).optional().openapi({ description: 'Only verified (true) or rejected (false) calls.', example: 'true' }),
  ...pageQuery,
});

export const listWebhookEventsRoute = defineRoute(
  { scope: 'leads:read' },
  {
    method: 'get',
    path: '/webhook-events',
    tags: ['Webhooks (admin)'],
    summary: 'Inbound webhooks, newest first',
    request: { query: QuerySchema },
    responses: {
      200: {
        description: 'A page of webhook events.',
        content: {
          'application/json': {
            schema: z
              .object({
                items: z.array(WebhookEventViewSchema).openapi({ description: 'Webhook events on this page.' }),
                next_cursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null on the last page.', example: null }),
              })
              .openapi('WebhookEventPage'),
          },
        },
      },
      ...adminErrors,
    },
  },
);

export const listWebhookEventsHandler = createRouter().openapi(listWebhookEventsRoute, async (c) => {
  const q = c.req.valid('query');
  const page = await listWebhookEvents({
    ctx: serviceContext(c),
    input: {
      provider: q.provider,
      outcome: q.outcome,
      verified: q.verified === undefined ? undefined : q.verified === 'true',
      after: q.cursor ? decodeCursor(q.cursor) : undefined,
      limit: q.limit,
    },
  });
  return c.json({ items: page.items.map(webhookEventView), next_cursor: page.next ? encodeCursor(page.next) : null }, 200);
});
