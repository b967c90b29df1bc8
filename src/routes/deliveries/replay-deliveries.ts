import { z } from '@hono/zod-openapi';
import { DESTINATIONS } from '../../fanout/types';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { adminErrors } from '../../http/schemas/common';
import { problemResponseDoc } from '../../http/schemas/problem';
import { serviceContext } from '../../http/service-context';
import { replayDelivery, replayFailedDeliveries } from '../../services/manage-deliveries';

export const replayOneRoute = defineRoute(
  { scope: 'deliveries:replay' },
  {
    method: 'post',
    path: '/deliveries/{id}/replay',
    tags: ['Deliveries (admin)'],
    summary: 'Replay one failed delivery',
    description: 'Puts a failed delivery back on the queue with a fresh attempt budget. Its attempt history is kept.',
    request: {
      params: z.object({
        id: z.uuid().openapi({ param: { name: 'id', in: 'path' }, description: 'Delivery id.', example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f' }),
      }),
    },
    responses: {
      202: {
        description: 'Queued again.',
        content: {
          'application/json': {
            schema: z.object({ replayed: z.number().int().openapi({ description: 'How many deliveries went back on the queue.', example: 1 }) }),
          },
        },
      },
      409: problemResponseDoc('The delivery is not failed.'),
      ...adminErrors,
    },
  },
);

export const replayAllRoute = defineRoute(
  { scope: 'deliveries:replay' },
  {
    method: 'post',
    path: '/deliveries/replay',
    tags: ['Deliveries (admin)'],
    summary: 'Replay every failed delivery of a destination',
    description: 'For after an outage: every failed delivery of the destination (and key, when given) goes back on the queue.',
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.strictObject({
              destination: z.enum(DESTINATIONS).openapi({ description: 'Destination kind.', example: 'crm' }),
              key: z.string().max(100).optional().openapi({ description: 'Only this CRM or template.', example: 'hubspot' }),
            }),
          },
        },
      },
    },
    responses: {
      202: {
        description: 'How many were queued again.',
        content: {
          'application/json': {
            schema: z.object({ replayed: z.number().int().openapi({ description: 'How many deliveries went back on the queue.', example: 12 }) }),
          },
        },
      },
      ...adminErrors,
    },
  },
);

export const replayDeliveriesHandler = createRouter()
  .openapi(replayAllRoute, async (c) => {
    const { destination, key } = c.req.valid('json');
    const replayed = await replayFailedDeliveries({ ctx: serviceContext(c), input: { destination, key } });
    return c.json({ replayed }, 202);
  })
  .openapi(replayOneRoute, async (c) => {
    const { id } = c.req.valid('param');
    const replayed = await replayDelivery({ ctx: serviceContext(c), input: { id } });
    return c.json({ replayed }, 202);
  });
