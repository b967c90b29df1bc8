import { z } from '@hono/zod-openapi';
import { acceptedHeaders, idempotent } from '../../http/idempotency';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { AcceptedHeaders, IdempotencyKeyHeader, ProblemSchema, publicWriteErrors } from '../../http/schemas/common';
import { BookingAnswerSchema, DemoRequestSchema, SlotSchema } from '../../http/schemas/demo';
import { clientIp, serviceContext } from '../../http/service-context';
import { bookDemo } from '../../services/book-demo';

export const ConflictSchema = ProblemSchema.extend({
  reason: z
    .enum(['slot_taken', 'active_demo_exists', 'too_late', 'cancelled', 'host_unavailable'])
    .optional()
    .openapi({ description: 'Why the booking was refused.', example: 'slot_taken' }),
  nearest_slots: z.array(SlotSchema).optional().openapi({ description: 'When the slot was taken: the closest free slots.' }),
}).openapi('DemoConflict');

export const createBookingRoute = defineRoute('public', {
  method: 'post',
  path: '/demo-request',
  tags: ['Demo'],
  summary: 'Book a demo',
  description:
    'Validates the request, checks the honeypot, Turnstile (action `demo_request`), the per-network limit and the per-email guard ' +
    '(DEMO_ATTEMPTS_PER_HOUR attempts per rolling hour, DEMO_MAX_ACTIVE_PER_EMAIL upcoming demos), then takes the slot at the least ' +
    'loaded host who has it free. 201 with the booking and its signed cancel/reschedule links; the invites (.ics) follow by email. ' +
    'A slot taken meanwhile answers 409 with `nearest_slots`.',
  request: {
    headers: IdempotencyKeyHeader,
    body: { required: true, content: { 'application/json': { schema: DemoRequestSchema } } },
  },
  responses: {
    201: {
      description: "Booked. `Location` is the booking's `demo.booked` event (admin), which shows the lead and the invites it caused.",
      headers: AcceptedHeaders,
      content: { 'application/json': { schema: BookingAnswerSchema } },
    },
    ...publicWriteErrors,
    409: {
      description: 'The slot is taken (see `nearest_slots`), the email already has an upcoming demo, or an Idempotency-Key is in progress.',
      content: { 'application/problem+json': { schema: ConflictSchema } },
    },
    429: {
      description: 'Too many booking attempts for this email, or submissions from this network. See Retry-After.',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    },
  },
});

export const createBooking = createRouter().openapi(createBookingRoute, async (c) => {
  const request = c.req.valid('json');
  const { turnstile_token, ...fingerprint } = request;
  const answer = await idempotent(c, 'demo-request', fingerprint, async (eventId) => ({
    status: 201 as const,
    body: await bookDemo({ ctx: serviceContext(c), input: { request, clientIp: clientIp(c), eventId } }),
  }));
  acceptedHeaders(c, answer.body.booking_id, answer.replayed);
  return c.json(answer.body, answer.status);
});
