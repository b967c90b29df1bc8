import { z } from '@hono/zod-openapi';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { BookingAnswerSchema, BookingIdParam, BookingLinkQuery, InstantSchema } from '../../http/schemas/demo';
import { problemResponseDoc } from '../../http/schemas/problem';
import { serviceContext } from '../../http/service-context';
import { rescheduleDemo } from '../../services/reschedule-demo';
import { ConflictSchema } from './create-booking';

const RescheduleSchema = z
  .strictObject({ start: InstantSchema.openapi({ description: 'Start of the new slot, as listed by /demo/availability.', example: '2026-12-02T15:00:00Z' }) })
  .openapi('DemoReschedule');

export const rescheduleBookingRoute = defineRoute('link', {
  method: 'post',
  path: '/demo/bookings/{id}/reschedule',
  tags: ['Demo'],
  summary: 'Move a demo (signed link)',
  description: 'Moves the booking to another free slot of the same host in one step. The invite keeps its UID and its SEQUENCE goes up by one.',
  request: { params: BookingIdParam, query: BookingLinkQuery, body: { required: true, content: { 'application/json': { schema: RescheduleSchema } } } },
  responses: {
    200: { description: 'Moved.', content: { 'application/json': { schema: BookingAnswerSchema } } },
    403: problemResponseDoc('The link is not valid for this booking.'),
    404: problemResponseDoc('No such booking.'),
    409: {
      description: 'The new slot is taken (see `nearest_slots`), the demo was cancelled, or it is too close to the start.',
      content: { 'application/problem+json': { schema: ConflictSchema } },
    },
    422: problemResponseDoc('Invalid parameters.'),
  },
});

export const rescheduleBooking = createRouter().openapi(rescheduleBookingRoute, async (c) => {
  const { id } = c.req.valid('param');
  const { token } = c.req.valid('query');
  const { start } = c.req.valid('json');
  const answer = await rescheduleDemo({ ctx: serviceContext(c), input: { bookingId: id, token, start } });
  return c.json(answer, 200);
});
