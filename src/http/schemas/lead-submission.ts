import { z } from '@hono/zod-openapi';
import { MANAGER_SOURCES } from '../../domain/pipeline';
import {
  ConsentSchema,
  DomainSchema,
  EmailSchema,
  HoneypotSchema,
  PhoneSchema,
  plainText,
  singleLine,
  TurnstileTokenSchema,
  UrlSchema,
  UtmSchema,
} from './common';

export const LEAD_SOURCES = ['pricing', 'contact_form', 'whitepaper_download', 'roi_calculator', 'chatbot'] as const;

/** A lead's industry; the workspace's list (BUSINESS_DOMAINS) says which are allowed. */
export const BusinessDomainSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be one of the business domains of this workspace')
  .openapi({ description: "The lead's industry, one of the workspace's business domains (not the web company_domain).", example: 'fintech' });
export type LeadSource = (typeof LEAD_SOURCES)[number];

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a lower-case slug such as "growth"');

/** The contact and attribution fields every form sends. */
export const contactFields = {
  email: EmailSchema,
  name: singleLine(200).min(1).optional().openapi({ description: 'Full name.', example: 'Jane Doe' }),
  company: singleLine(200).min(1).optional().openapi({ description: 'Company name.', example: 'Acme Inc.' }),
  company_domain: DomainSchema.optional(),
  phone: PhoneSchema.optional(),
  consent: ConsentSchema.optional(),
  utm: UtmSchema.optional(),
  referrer: UrlSchema.optional().openapi({ description: 'document.referrer of the visit.', example: 'https://www.google.com/' }),
  landing_page: UrlSchema.optional().openapi({ description: 'First page of the visit.', example: 'https://acme-saas.com/pricing' }),
  website: HoneypotSchema,
  turnstile_token: TurnstileTokenSchema,
};

const message = plainText(5000).openapi({
  description: 'What the person wrote. Plain text; markup is refused.',
  example: 'We have 40 reps and want to try it next quarter.',
});

const base = { ...contactFields, message: message.optional() };

export const LeadSubmissionSchema = z
  .discriminatedUnion('source', [
    z
      .strictObject({
        ...base,
        source: z.literal('pricing').openapi({ description: 'The pricing page.', example: 'pricing' }),
        plan: slug.openapi({ description: 'Plan the person asked about.', example: 'growth' }),
        billing_period: z.enum(['monthly', 'annual']).optional().openapi({ description: 'Billing period chosen.', example: 'annual' }),
        seats: z.number().int().min(1).max(100_000).optional().openapi({ description: 'Seats wanted.', example: 25 }),
      })
      .openapi('PricingLead'),
    z
      .strictObject({
        ...base,
        source: z.literal('contact_form').openapi({ description: 'The contact form.', example: 'contact_form' }),
        message: message.pipe(z.string().min(1, 'is required')),
      })
      .openapi('ContactFormLead'),
    z
      .strictObject({
        ...base,
        source: z.literal('whitepaper_download').openapi({ description: 'A gated whitepaper.', example: 'whitepaper_download' }),
        asset_slug: slug.openapi({ description: 'Slug of the asset downloaded.', example: 'state-of-b2b-sales-2026' }),
      })
      .openapi('WhitepaperLead'),
    z
      .strictObject({
        ...base,
        source: z.literal('roi_calculator').openapi({ description: 'The ROI calculator.', example: 'roi_calculator' }),
        calculation_id: z
          .uuid()
          .optional()
          .openapi({ description: 'Id returned by the calculate-roi endpoint.', example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f' }),
      })
      .openapi('RoiCalculatorLead'),
    z
      .strictObject({
        ...base,
        source: z.literal('chatbot').openapi({ description: 'The website chatbot.', example: 'chatbot' }),
        conversation_id: singleLine(200)
          .pipe(z.string().min(1, 'is required'))
          .openapi({ description: "The chatbot platform's user or conversation id.", example: 'cf-5f3a9c' }),
      })
      .openapi('ChatbotLead'),
    z
      .strictObject({
        email: EmailSchema,
        name: contactFields.name,
        company: contactFields.company,
        company_domain: contactFields.company_domain,
        phone: contactFields.phone,
        source: z.enum(MANAGER_SOURCES).openapi({
          description: "A manager's own channel (with an API key of scope leads:write; no captcha): partner, referral, event, outbound, manual.",
          example: 'referral',
        }),
        business_domain: BusinessDomainSchema.optional(),
        note: plainText(2000).optional().openapi({ description: 'Why this lead, for the audit log.', example: 'Introduced by Kasia at the Fintech Summit' }),
      })
      .openapi('ManagerLead'),
  ])
  .openapi('LeadSubmission', { description: 'A form submission. `source` selects the form and its extra fields.' });

export type LeadSubmission = z.infer<typeof LeadSubmissionSchema>;
export type WebLeadSubmission = Exclude<LeadSubmission, { source: (typeof MANAGER_SOURCES)[number] }>;
export type ManagerLeadSubmission = Extract<LeadSubmission, { source: (typeof MANAGER_SOURCES)[number] }>;
export const isManagerLead = (s: LeadSubmission): s is ManagerLeadSubmission => (MANAGER_SOURCES as readonly string[]).includes(s.source);
