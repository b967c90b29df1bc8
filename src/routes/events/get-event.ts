import { z } from '@hono/zod-openapi';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { adminErrors } from '../../http/schemas/common';
import { serviceContext } from '../../http/service-context';
import { eventStatus } from '../../services/read-events';
import { EventViewSchema, eventView } from './event-view';

export const EventIdParam = z.object({
  id: z.uuid().openapi({
    param: { name: 'id', in: 'path' },
    description: 'Event id (from a 202, its `Location`, a booking or a calculation).',
    example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f',
  }),
});

export const getEventRoute = defineRoute(
  { scope: 'leads:read' },
  {
    method: 'get',
    path: '/events/{id}',
    tags: ['Events (admin)'],
    summary: 'What became of an accepted event',
    description:
      'Opens the id every accepted write hands out: queued (accepted, not in Postgres yet), stored (with the lead and the deliveries it caused) or failed (with the reason). ' +
      'An id that is not a recent UUIDv7 and was never stored answers 404.',
    request: { params: EventIdParam },
    responses: {
      200: { description: 'The event.', content: { 'application/json': { schema: EventViewSchema } } },
      ...adminErrors,
    },
  },
);

export const getEvent = createRouter().openapi(getEventRoute, async (c) => {
  const { id } = c.req.valid('param');
  return c.json(eventView(await eventStatus({ ctx: serviceContext(c), input: { id } })), 200);
});
