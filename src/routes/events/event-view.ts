import { z } from '@hono/zod-openapi';
import { EVENT_STATES } from '../../db/schema';
import type { EventStatus } from '../../services/read-events';
import { DeliveryViewSchema, deliveryView } from '../deliveries/delivery-view';

export const EventViewSchema = z
  .object({
    id: z.uuid().openapi({ description: 'The event id a 202 (or a booking, or a calculation) handed out.', example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f' }),
    state: z.enum(['queued', ...EVENT_STATES]).openapi({
      description:
        '`queued`: accepted, not yet in Postgres (normally for a second or two). `stored`: written, with its lead and deliveries. `failed`: it could not be written; `reason` says why, and it can be replayed.',
      example: 'stored',
    }),
    type: z.string().nullable().openapi({
      description: 'What happened (`lead.submitted`, `roi.calculated`, `content.downloaded`, `demo.booked`, `webhook.received`…); null while queued.',
      example: 'lead.submitted',
    }),
    lead_id: z.uuid().nullable().openapi({
      description: 'The lead it created or updated: `GET /api/v1/leads/{lead_id}`. Null while queued, and for an anonymous calculation.',
      example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0b',
    }),
    occurred_at: z.string().nullable().openapi({ description: 'When it happened (edge time).', example: '2026-11-24T10:00:00.000Z' }),
    recorded_at: z.string().nullable().openapi({ description: 'When it was stored, or found to fail.', example: '2026-11-24T10:00:01.000Z' }),
    reason: z.string().nullable().openapi({ description: 'Why a failed event could not be written.', example: null }),
    deliveries: z
      .array(DeliveryViewSchema)
      .openapi({ description: 'What it caused: emails, CRM syncs, webhooks, SMS, with their state (each also at `GET /api/v1/deliveries/{id}`).' }),
  })
  .openapi('Event');

export function eventView(s: EventStatus): z.infer<typeof EventViewSchema> {
  if (s.state === 'queued')
    return { id: s.id, state: 'queued', type: null, lead_id: null, occurred_at: s.accepted_at, recorded_at: null, reason: null, deliveries: [] };
  return {
    id: s.id,
    state: s.state,
    type: s.row.type,
    lead_id: s.row.leadId,
    occurred_at: s.row.occurredAt?.toISOString() ?? null,
    recorded_at: s.row.recordedAt.toISOString(),
    reason: s.row.reason,
    deliveries: s.deliveries.map(deliveryView),
  };
}
