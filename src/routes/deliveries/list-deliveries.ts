import { z } from '@hono/zod-openapi';
import { DELIVERY_STATUSES } from '../../db/schema';
import { DESTINATIONS } from '../../fanout/types';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { adminErrors } from '../../http/schemas/common';
import { serviceContext } from '../../http/service-context';
import { listDeliveries } from '../../services/manage-deliveries';
import { decodeCursor, encodeCursor, pageQuery } from '../cursor';
import { DeliveryViewSchema, deliveryView } from './delivery-view';

const QuerySchema = z.object({
  status: z.enum(DELIVERY_STATUSES).optional().openapi({ description: 'Only deliveries in this state.', example: 'failed' }),
  destination: z.enum(DESTINATIONS).optional().openapi({ description: 'Only this kind of destination.', example: 'crm' }),
  key: z.string().max(100).optional().openapi({ description: 'Only this key (CRM name or email template).', example: 'hubspot' }),
  lead_id: z.uuid().optional().openapi({ description: "Only this lead's deliveries.", example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0b' }),
  event_id: z.uuid().optional().openapi({ description: 'Only the deliveries this event caused.', example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0a' }),
  ...pageQuery,
});

export const listDeliveriesRoute = defineRoute(
  { scope: 'leads:read' },
  {
    method: 'get',
    path: '/deliveries',
    tags: ['Deliveries (admin)'],
    summary: 'The delivery ledger, newest first',
    description: 'One row per (event, destination): emails, CRM upserts, webhooks and SMS, with their attempts and last error.',
    request: { query: QuerySchema },
    responses: {
      200: {
        description: 'A page of deliveries.',
        content: {
          'application/json': {
            schema: z
              .object({
                items: z.array(DeliveryViewSchema).openapi({ description: 'Deliveries on this page.' }),
                next_cursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null on the last page.', example: null }),
              })
              .openapi('DeliveryPage'),
          },
        },
      },
      ...adminErrors,
    },
  },
);

export const listDeliveriesHandler = createRouter().openapi(listDeliveriesRoute, async (c) => {
  const q = c.req.valid('query');
  const page = await listDeliveries({
    ctx: serviceContext(c),
    input: {
      status: q.status,
      destination: q.destination,
      key: q.key,
      leadId: q.lead_id,
      eventId: q.event_id,
      after: q.cursor ? decodeCursor(q.cursor) : undefined,
      limit: q.limit,
    },
  });
  return c.json({ items: page.items.map(deliveryView), next_cursor: page.next ? encodeCursor(page.next) : null }, 200);
});
