import { z } from '@hono/zod-openapi';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { adminErrors } from '../../http/schemas/common';
import { serviceContext } from '../../http/service-context';
import { getDelivery } from '../../services/manage-deliveries';
import { DeliveryViewSchema, deliveryView } from './delivery-view';

const AttemptSchema = z
  .object({
    attempt: z.number().int().openapi({ description: 'Which call this was (1 = the first since the last replay).', example: 1 }),
    outcome: z.enum(['delivered', 'retryable_error', 'rejected']).openapi({ description: 'What the provider said.', example: 'delivered' }),
    status_code: z.number().int().nullable().openapi({ description: 'HTTP status of the call (null for a network error or timeout).', example: 200 }),
    error: z.string().nullable().openapi({ description: "The provider's refusal or the transport error.", example: null }),
    duration_ms: z.number().int().openapi({ description: 'How long the call took.', example: 120 }),
    at: z.string().openapi({ description: 'When it was made.', example: '2026-11-24T10:00:02.000Z' }),
  })
  .openapi('DeliveryAttempt');

export const getDeliveryRoute = defineRoute(
  { scope: 'leads:read' },
  {
    method: 'get',
    path: '/deliveries/{id}',
    tags: ['Deliveries (admin)'],
    summary: 'One delivery with every call made for it',
    request: {
      params: z.object({
        id: z.uuid().openapi({ param: { name: 'id', in: 'path' }, description: 'Delivery id.', example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f' }),
      }),
    },
    responses: {
      200: {
        description: 'The delivery.',
        content: {
          'application/json': {
            schema: DeliveryViewSchema.extend({
              attempts_log: z.array(AttemptSchema).openapi({ description: 'Every call to the provider, oldest first.' }),
            }).openapi('DeliveryDetail'),
          },
        },
      },
      ...adminErrors,
    },
  },
);

export const getDeliveryHandler = createRouter().openapi(getDeliveryRoute, async (c) => {
  const { id } = c.req.valid('param');
  const { delivery, attempts } = await getDelivery({ ctx: serviceContext(c), input: { id } });
  return c.json(
    {
      ...deliveryView(delivery),
      attempts_log: attempts.map((a) => ({
        attempt: a.attempt,
        outcome: a.outcome as 'delivered' | 'retryable_error' | 'rejected',
        status_code: a.statusCode,
        error: a.error,
        duration_ms: a.durationMs,
        at: a.at.toISOString(),
      })),
    },
    200,
  );
});
