import { z } from '@hono/zod-openapi';
import { WEBHOOK_OUTCOMES, type WebhookEvent } from '../../db/schema';

export const WebhookEventViewSchema = z
  .object({
    id: z.uuid().openapi({ description: 'Webhook event id (UUIDv7).', example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f' }),
    provider: z.string().openapi({ description: 'hubspot, pipedrive, monday or standard.', example: 'hubspot' }),
    delivery_id: z.string().nullable().openapi({ description: "The provider's delivery id (null for rejected calls).", example: 'events:1837465,1837466' }),
    verified: z.boolean().openapi({ description: 'Whether the signature or credentials held.', example: true }),
    rejection_reason: z.string().nullable().openapi({ description: 'Why it was refused (rejected calls only).', example: null }),
    payload: z
      .unknown()
      .openapi({ description: 'The body as received (verified calls only).', example: [{ subscriptionType: 'contact.propertyChange', objectId: 123 }] }),
    outcome: z.enum(WEBHOOK_OUTCOMES).openapi({ description: 'What applying it did.', example: 'applied' }),
    outcome_detail: z.string().nullable().openapi({ description: 'The change made, or why nothing was.', example: 'new → customer, trial unlocked' }),
    lead_id: z.uuid().nullable().openapi({ description: 'The lead it moved.', example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f' }),
    received_at: z.string().openapi({ description: 'When it arrived.', example: '2026-11-24T10:00:00.000Z' }),
    applied_at: z.string().nullable().openapi({ description: 'When it was last applied.', example: '2026-11-24T10:00:01.000Z' }),
  })
  .openapi('WebhookEvent');

export function webhookEventView(e: WebhookEvent): z.infer<typeof WebhookEventViewSchema> {
  return {
    id: e.id,
    provider: e.provider,
    delivery_id: e.deliveryId,
    verified: e.verified,
    rejection_reason: e.rejectionReason,
    payload: e.payload ?? null,
    outcome: e.outcome,
    outcome_detail: e.outcomeDetail,
    lead_id: e.leadId,
    received_at: e.receivedAt.toISOString(),
    applied_at: e.appliedAt?.toISOString() ?? null,
  };
}
