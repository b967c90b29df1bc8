import { z } from '@hono/zod-openapi';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { ProblemSchema, SiteKeyQuery } from '../../http/schemas/common';
import { InstantSchema, SlotSchema, TimeZoneSchema } from '../../http/schemas/demo';
import { serviceContext } from '../../http/service-context';
import { demoAvailability } from '../../services/demo-availability';

const AvailabilityQuery = z.object({
  from: InstantSchema.optional().openapi({ description: 'List slots starting at or after this instant. Default: now.', example: '2026-12-01T00:00:00Z' }),
  to: InstantSchema.optional().openapi({
    description: 'List slots starting before this instant (at most 31 days after `from`). Default: `from` + 14 days.',
    example: '2026-12-15T00:00:00Z',
  }),
  host: z.string().min(1).max(64).optional().openapi({
    description: "Only this host's slots (a host id; the reschedule page passes the booking's host). Default: all hosts on duty.",
    example: 'berlin',
  }),
  site_key: SiteKeyQuery,
  tz: TimeZoneSchema.optional().openapi({
    description: "The visitor's IANA time zone for `local_start`/`local_end`. Default: UTC.",
    example: 'America/New_York',
  }),
});

const AvailabilitySchema = z
  .object({
    from: z.string().openapi({ description: 'Start of the range (UTC).', example: '2026-12-01T00:00:00.000Z' }),
    to: z.string().openapi({ description: 'End of the range (UTC).', example: '2026-12-15T00:00:00.000Z' }),
    time_zone: z.string().openapi({ description: 'Time zone of the local times.', example: 'America/New_York' }),
    slots: z.array(SlotSchema).openapi({ description: 'Free slots of all hosts on demo duty, in order.' }),
  })
  .openapi('DemoAvailability');

export const availabilityRoute = defineRoute('public', {
  method: 'get',
  path: '/demo/availability',
  tags: ['Demo'],
  summary: 'Free demo slots',
  description:
    "Free slots of every host on demo duty (working hours, holidays, buffers, minimum notice, daily caps and calendar busy times applied), with each slot's time on the visitor's clock.",
  request: { query: AvailabilityQuery },
  responses: {
    200: { description: 'Free slots.', content: { 'application/json': { schema: AvailabilitySchema } } },
    422: { description: 'Invalid range, time zone or host.', content: { 'application/problem+json': { schema: ProblemSchema } } },
    503: { description: 'Demo booking is not configured.', content: { 'application/problem+json': { schema: ProblemSchema } } },
  },
});

export const getAvailability = createRouter().openapi(availabilityRoute, async (c) => {
  const q = c.req.valid('query');
  const body = await demoAvailability({ ctx: serviceContext(c), input: { from: q.from, to: q.to, timeZone: q.tz ?? 'UTC', host: q.host } });
  return c.json(body, 200);
});
