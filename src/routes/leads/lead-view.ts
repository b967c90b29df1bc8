import { z } from '@hono/zod-openapi';
import type { Lead, LeadEvent } from '../../db/schema';
import { LEAD_STAGES, type LeadStage } from '../../domain/pipeline';

const TouchSchema = z.object({
  source: z.string().openapi({ description: 'The form of this touch.', example: 'pricing' }),
  utm: z
    .record(z.string(), z.string())
    .optional()
    .openapi({ description: 'UTM parameters of the visit.', example: { source: 'google', medium: 'cpc' } }),
  referrer: z.string().optional().openapi({ description: 'The page the visitor came from.', example: 'https://www.google.com/' }),
  landing_page: z.string().optional().openapi({ description: 'The first page of the visit.', example: 'https://acme-saas.com/pricing' }),
  at: z.string().openapi({ description: 'When (edge time).', example: '2026-11-24T10:00:00.000Z' }),
});

export const LeadViewSchema = z
  .object({
    id: z.uuid().openapi({ description: 'Lead id.', example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f' }),
    email: z.string().openapi({ description: 'Email as last given.', example: 'jane.doe@acme.com' }),
    name: z.string().nullable().openapi({ description: 'Full name.', example: 'Jane Doe' }),
    company: z.string().nullable().openapi({ description: 'Company name.', example: 'Acme Inc.' }),
    company_domain: z.string().nullable().openapi({ description: 'Company domain (null for free-mail without one given).', example: 'acme.com' }),
    phone: z.string().nullable().openapi({ description: 'Phone in E.164.', example: '+14155550123' }),
    stage: z.enum(LEAD_STAGES).openapi({ description: 'Pipeline stage: new → contacted → qualified → transferred, or lost.', example: 'qualified' }),
    version: z.number().int().openapi({ description: 'Changes with every stage or contact change: send it back as If-Match (or use the ETag).', example: 3 }),
    business_domain: z
      .string()
      .nullable()
      .openapi({ description: "The lead's industry, from the workspace's list (not the web company_domain).", example: 'fintech' }),
    score: z.number().nullable().openapi({ description: 'Score of the latest analysis (advisory, 0–1); null before the first.', example: 0.72 }),
    analyzed_at: z.string().nullable().openapi({ description: 'When the latest analysis was made.', example: '2026-11-24T10:06:00.000Z' }),
    first_source: z.string().openapi({ description: 'Form of the first touch.', example: 'pricing' }),
    first_touch: TouchSchema.openapi({ description: 'Attribution of the first touch (never changes).' }),
    last_touch: TouchSchema.openapi({ description: 'Attribution of the latest touch.' }),
    consent: z
      .object({
        marketing: z.boolean().openapi({ description: 'Marketing email allowed.', example: true }),
        analytics: z.boolean().openapi({ description: 'Analytics sharing allowed.', example: true }),
        sms: z.boolean().openapi({ description: 'Text messages allowed.', example: false }),
      })
      .openapi({ description: 'Current consent per purpose.', example: { marketing: true, analytics: true, sms: false } }),
    created_at: z.string().openapi({ description: 'First seen.', example: '2026-11-24T10:00:00.000Z' }),
    updated_at: z.string().openapi({ description: 'Last changed.', example: '2026-11-24T10:05:00.000Z' }),
  })
  .openapi('Lead', { description: 'A lead: one person, with their contact data, consent, stage and score.' });

export const LeadEventViewSchema = z
  .object({
    id: z.uuid().openapi({ description: 'Event id (UUIDv7).', example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f' }),
    type: z.string().openapi({ description: 'What happened.', example: 'form_submitted' }),
    source: z.string().nullable().openapi({ description: 'Form or system that produced it.', example: 'pricing' }),
    payload: z.record(z.string(), z.unknown()).openapi({ description: 'What was submitted or changed.', example: { plan: 'growth' } }),
    occurred_at: z.string().openapi({ description: 'When it happened (edge time).', example: '2026-11-24T10:00:00.000Z' }),
    recorded_at: z.string().openapi({ description: 'When it reached Postgres.', example: '2026-11-24T10:00:01.000Z' }),
  })
  .openapi('LeadEvent');

export function leadView(lead: Lead): z.infer<typeof LeadViewSchema> {
  return {
    id: lead.id,
    email: lead.email,
    name: lead.name,
    company: lead.company,
    company_domain: lead.companyDomain,
    phone: lead.phone,
    stage: lead.stage as LeadStage,
    version: lead.version,
    business_domain: lead.businessDomain,
    score: lead.score,
    analyzed_at: lead.analyzedAt?.toISOString() ?? null,
    first_source: lead.firstSource,
    first_touch: lead.firstTouch,
    last_touch: lead.lastTouch,
    consent: { marketing: !!lead.consent.marketing, analytics: !!lead.consent.analytics, sms: !!lead.consent.sms },
    created_at: lead.createdAt.toISOString(),
    updated_at: lead.updatedAt.toISOString(),
  };
}

export function leadEventView(e: LeadEvent): z.infer<typeof LeadEventViewSchema> {
  return {
    id: e.id,
    type: e.type,
    source: e.source,
    payload: e.payload,
    occurred_at: e.occurredAt.toISOString(),
    recorded_at: e.recordedAt.toISOString(),
  };
}
