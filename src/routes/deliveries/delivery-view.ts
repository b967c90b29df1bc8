import { z } from '@hono/zod-openapi';
import { DELIVERY_STATUSES, type Delivery, RECEIPT_STATUSES } from '../../db/schema';

export const DeliveryViewSchema = z
  .object({
    id: z.uuid().openapi({ description: 'Delivery id (also the outbound webhook-id).', example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f' }),
    event_id: z.uuid().openapi({ description: 'The event that caused it.', example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0a' }),
    lead_id: z.uuid().nullable().openapi({ description: 'The lead concerned.', example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0b' }),
    destination: z.string().openapi({ description: 'email, crm, webhook, sms, analysis, monday or analytics (GA4).', example: 'crm' }),
    key: z.string().openapi({ description: 'Which one: email template or CRM name.', example: 'hubspot' }),
    status: z.enum(DELIVERY_STATUSES).openapi({ description: 'pending (queued or waiting for a retry), delivered, failed.', example: 'delivered' }),
    attempts: z.number().int().openapi({ description: 'Calls made to the provider (since the last replay).', example: 1 }),
    last_error: z.string().nullable().openapi({ description: "The provider's last refusal or the transport error.", example: null }),
    last_status_code: z.number().int().nullable().openapi({ description: 'HTTP status of the last call.', example: 200 }),
    next_attempt_at: z.string().nullable().openapi({ description: 'When a pending delivery is tried next.', example: null }),
    delivered_at: z.string().nullable().openapi({ description: 'When the provider accepted it.', example: '2026-11-24T10:00:02.000Z' }),
    provider_reference: z.string().nullable().openapi({ description: "The provider's id for it (message id, contact id).", example: '512' }),
    receipt: z
      .object({
        status: z.enum(RECEIPT_STATUSES).openapi({
          description:
            'SMS (Twilio status callback): sent, then delivered, undelivered or failed. Email (SendGrid events): deferred, then delivered, bounced or dropped, then opened. Never moves backwards.',
          example: 'delivered',
        }),
        at: z.string().openapi({
          description: 'When the provider reported it (SendGrid: the event time; Twilio: when the callback arrived).',
          example: '2026-11-24T10:00:09.000Z',
        }),
        detail: z
          .string()
          .nullable()
          .openapi({ description: 'Why, for a failure or a delay: the Twilio error code, the bounce or drop reason.', example: null }),
      })
      .nullable()
      .openapi({ description: 'What the provider reported after accepting it (SMS and email only); null until it reported anything.', example: null }),
    sms: z
      .object({
        segments: z.number().int().openapi({ description: 'The parts the text is billed as.', example: 2 }),
        encoding: z.enum(['GSM-7', 'UCS-2']).openapi({ description: 'UCS-2 once any character (a Polish diacritic) is outside GSM-7.', example: 'UCS-2' }),
        transliterated: z.boolean().openapi({ description: 'Spelled without diacritics (SMS_TRANSLITERATE).', example: false }),
      })
      .nullable()
      .openapi({ description: 'For an SMS: what its text costs, as recorded when it was planned; null for other destinations.', example: null }),
    created_at: z.string().openapi({ description: 'When it was recorded.', example: '2026-11-24T10:00:01.000Z' }),
  })
  .openapi('Delivery');

function smsCost(d: Delivery): z.infer<typeof DeliveryViewSchema>['sms'] {
  if (d.destination !== 'sms') return null;
  const p = d.payload as { segments?: unknown; encoding?: unknown; transliterated?: unknown };
  if (typeof p.segments !== 'number' || (p.encoding !== 'GSM-7' && p.encoding !== 'UCS-2')) return null;
  return { segments: p.segments, encoding: p.encoding, transliterated: p.transliterated === true };
}

export function deliveryView(d: Delivery): z.infer<typeof DeliveryViewSchema> {
  return {
    id: d.id,
    event_id: d.eventId,
    lead_id: d.leadId,
    destination: d.destination,
    key: d.key,
    status: d.status,
    attempts: d.attempts,
    last_error: d.lastError,
    last_status_code: d.lastStatusCode,
    next_attempt_at: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
    delivered_at: d.deliveredAt?.toISOString() ?? null,
    provider_reference: d.providerReference,
    receipt: d.receiptStatus ? { status: d.receiptStatus, at: (d.receiptAt ?? d.updatedAt).toISOString(), detail: d.receiptDetail } : null,
    sms: smsCost(d),
    created_at: d.createdAt.toISOString(),
  };
}
