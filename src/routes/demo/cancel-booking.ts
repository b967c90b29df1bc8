import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { BookingAnswerSchema, BookingIdParam, BookingLinkQuery } from '../../http/schemas/demo';
import { problemResponseDoc } from '../../http/schemas/problem';
import { serviceContext } from '../../http/service-context';
import { cancelDemo } from '../../services/cancel-demo';
import { ConflictSchema } from './create-booking';

export const cancelBookingRoute = defineRoute('link', {
  method: 'post',
  path: '/demo/bookings/{id}/cancel',
  tags: ['Demo'],
  summary: 'Cancel a demo (signed link)',
  description:
    'Cancels the booking named by the signed link from the invite email. Both sides get a METHOD:CANCEL invite with the same UID. Repeating the call answers the same.',
  request: { params: BookingIdParam, query: BookingLinkQuery },
  responses: {
    200: { description: 'Cancelled.', content: { 'application/json': { schema: BookingAnswerSchema } } },
    403: problemResponseDoc('The link is not valid for this booking.'),
    404: problemResponseDoc('No such booking.'),
    409: { description: 'Too close to the start to cancel online.', content: { 'application/problem+json': { schema: ConflictSchema } } },
    422: problemResponseDoc('Invalid parameters.'),
  },
});

export const cancelBooking = createRouter().openapi(cancelBookingRoute, async (c) => {
  const { id } = c.req.valid('param');
  const { token } = c.req.valid('query');
  const answer = await cancelDemo({ ctx: serviceContext(c), input: { bookingId: id, token } });
  return c.json(answer, 200);
});
