import { z } from '@hono/zod-openapi';
import { isTimeZone } from '../../domain/demo-hosts';
import { plainText, singleLine, WorkspaceSlugQuery } from './common';
import { contactFields } from './lead-submission';

export const TimeZoneSchema = z
  .string()
  .max(64)
  .refine(isTimeZone, 'must be an IANA time zone such as America/New_York')
  .openapi({ description: "IANA time zone of the visitor (the browser's Intl.DateTimeFormat().resolvedOptions().timeZone).", example: 'America/New_York' });

export const InstantSchema = z.iso
  .datetime({ offset: true })
  .openapi({ description: 'An instant in RFC 3339, with Z or an offset.', example: '2026-12-01T15:00:00Z' });

export const DemoRequestSchema = z
  .strictObject({
    ...contactFields,
    name: singleLine(200).min(1).openapi({ description: 'Full name.', example: 'Jane Doe' }),
    company: singleLine(200).min(1).openapi({ description: 'Company name.', example: 'Acme Inc.' }),
    start: InstantSchema.openapi({
      description: 'Start of the chosen slot, exactly as listed by /demo/availability (`start`).',
      example: '2026-12-01T15:00:00Z',
    }),
    time_zone: TimeZoneSchema,
    notes: plainText(2000).optional().openapi({ description: 'What the prospect wants to see. Plain text.', example: 'We run 40 reps across two regions.' }),
  })
  .openapi('DemoRequest', { description: 'A demo booking from the site.' });

export type DemoRequest = z.infer<typeof DemoRequestSchema>;

export const SlotSchema = z
  .object({
    start: z.string().openapi({ description: 'Slot start (UTC). Send this back as `start` to book it.', example: '2026-12-01T15:00:00.000Z' }),
    end: z.string().openapi({ description: 'Slot end (UTC).', example: '2026-12-01T15:30:00.000Z' }),
    local_start: z.string().openapi({ description: "Slot start on the visitor's clock.", example: '2026-12-01T10:00:00-05:00' }),
    local_end: z.string().openapi({ description: "Slot end on the visitor's clock.", example: '2026-12-01T10:30:00-05:00' }),
  })
  .openapi('DemoSlot');

export const BookingAnswerSchema = z
  .object({
    booking_id: z.uuid().openapi({
      description:
        'Id of the booking (also the calendar UID prefix), and of its `demo.booked` event: `GET /api/v1/events/{id}` (admin) shows the booking stored with its lead and the invites sent.',
      example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f',
    }),
    status: z.enum(['confirmed', 'cancelled']).openapi({ description: 'Booking status.', example: 'confirmed' }),
    start: z.string().openapi({ description: 'Start (UTC).', example: '2026-12-01T15:00:00.000Z' }),
    end: z.string().openapi({ description: 'End (UTC).', example: '2026-12-01T15:30:00.000Z' }),
    local_start: z.string().openapi({ description: "Start on the visitor's clock.", example: '2026-12-01T10:00:00-05:00' }),
    time_zone: z.string().openapi({ description: "The visitor's time zone.", example: 'America/New_York' }),
    sequence: z.number().int().openapi({ description: 'Calendar SEQUENCE of the latest invite.', example: 0 }),
    host: z
      .object({ name: z.string().openapi({ description: 'Who runs the demo.', example: 'Alex Morgan' }) })
      .openapi({ description: 'The host on the call.' }),
    cancel_url: z
      .string()
      .optional()
      .openapi({ description: 'Signed link: POST to cancel.', example: 'https://api.example.com/api/v1/demo/bookings/…/cancel?token=…' }),
    reschedule_url: z
      .string()
      .optional()
      .openapi({ description: 'Signed link: POST { start } to move the demo.', example: 'https://api.example.com/api/v1/demo/bookings/…/reschedule?token=…' }),
  })
  .openapi('DemoBooking');

export const BookingLinkQuery = z.object({
  token: z.string().min(1).max(1024).openapi({ description: 'The signed token from the link in the invite email.', example: 'WyIwMTk…' }),
  ws: WorkspaceSlugQuery,
});

export const BookingIdParam = z.object({
  id: z.uuid().openapi({ description: 'Booking id.', example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f' }),
});
