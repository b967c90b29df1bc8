import { z } from '@hono/zod-openapi';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { adminErrors } from '../../http/schemas/common';
import { problemResponseDoc } from '../../http/schemas/problem';
import { serviceContext } from '../../http/service-context';
import { replayEvent } from '../../services/read-events';
import { EventIdParam } from './get-event';

export const replayEventRoute = defineRoute(
  { scope: 'deliveries:replay' },
  {
    method: 'post',
    path: '/events/{id}/replay',
    tags: ['Events (admin)'],
    summary: 'Replay a failed event',
    description:
      'Puts a failed event back on the events queue as it was first queued, once whatever made it fail is fixed. A stored event is never written twice.',
    request: { params: EventIdParam },
    responses: {
      202: {
        description: 'Queued again; follow it at `Location`.',
        headers: z.object({ location: z.string().openapi({ description: 'The event.', example: '/api/v1/events/01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f' }) }),
        content: {
          'application/json': {
            schema: z
              .object({ id: z.uuid().openapi({ description: 'The event, queued again.', example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f' }) })
              .openapi('EventReplay'),
          },
        },
      },
      409: problemResponseDoc('The event is not failed.'),
      ...adminErrors,
    },
  },
);

export const replayEventHandler = createRouter().openapi(replayEventRoute, async (c) => {
  const { id } = c.req.valid('param');
  await replayEvent({ ctx: serviceContext(c), input: { id } });
  c.header('location', `/api/v1/events/${id}`);
  return c.json({ id }, 202);
});
