import { z } from '@hono/zod-openapi';
import { isDeceptive } from '../../domain/text';
import { problemResponseDoc } from './problem';

export { ProblemSchema } from './problem';

/** Free text a person typed: no markup, no control characters. We store text, never HTML. */
const MARKUP = /<\s*\/?\s*[a-z!?]/i;
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the control characters it refuses.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

const LINE_BREAK = /[\r\n\t\u2028\u2029]/;

export const plainText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !MARKUP.test(s), 'must not contain HTML or markup')
    .refine((s) => !CONTROL.test(s) && s.isWellFormed(), 'must not contain control characters')
    .refine((s) => !isDeceptive(s), 'must not contain invisible or direction-changing characters');

/** A name, a company, a UTM value: plain text on one line (it ends up in email subjects and headers). */
export const singleLine = (max: number) => plainText(max).refine((s) => !LINE_BREAK.test(s), 'must be a single line');

export const EmailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email('must be a valid email address'))
  .openapi({ description: 'Work email address of the person.', example: 'jane.doe@acme.com' });

export const PhoneSchema = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, 'must be in E.164 format, e.g. +14155550123')
  .openapi({ description: 'Phone number in E.164 format.', example: '+14155550123' });

export const DomainSchema = z
  .string()
  .trim()
  .max(253)
  .regex(/^(https?:\/\/)?(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)+\.?(\/.*)?$/i, 'must be a domain such as acme.com')
  .openapi({ description: 'Company web domain. Derived from a business email when absent.', example: 'acme.com' });

export const UrlSchema = z
  .string()
  .max(2048)
  .refine((s) => !CONTROL.test(s) && !LINE_BREAK.test(s) && s.isWellFormed(), 'must be a URL')
  .pipe(z.url({ protocol: /^https?$/ }));

export const ConsentSchema = z
  .strictObject({
    marketing: z.boolean().optional().openapi({ description: 'May we send marketing email?', example: true }),
    analytics: z.boolean().optional().openapi({ description: 'May we share the visit with analytics tools?', example: true }),
    sms: z.boolean().optional().openapi({ description: 'May we text the phone number?', example: false }),
  })
  .openapi('Consent', {
    description: 'Consent per purpose, as the form asked it. A purpose left out keeps its earlier state (refused if never given); `false` withdraws it.',
  });

export const UtmSchema = z
  .strictObject({
    source: singleLine(200).optional().openapi({ description: 'utm_source: where the visitor came from.', example: 'google' }),
    medium: singleLine(200).optional().openapi({ description: 'utm_medium: the channel.', example: 'cpc' }),
    campaign: singleLine(200).optional().openapi({ description: 'utm_campaign: the campaign.', example: 'q4-launch' }),
    term: singleLine(200).optional().openapi({ description: 'utm_term: the paid keyword.', example: 'lead management' }),
    content: singleLine(200).optional().openapi({ description: 'utm_content: which ad or link.', example: 'hero-cta' }),
  })
  .openapi('Utm', { description: 'UTM parameters of the visit.' });

export const TurnstileTokenSchema = z
  .string()
  .min(1, 'is required')
  .max(2048)
  .openapi({ description: 'The Cloudflare Turnstile token produced by the widget on the form.', example: 'XXXX.DUMMY.TOKEN.XXXX' });

/** The honeypot: a hidden input real visitors leave empty. */
export const HoneypotSchema = z
  .string()
  .max(2048)
  .optional()
  .openapi({ description: 'Honeypot. Leave empty; a filled value marks the submission as spam (answered 202, stored nowhere).', example: '' });

export const EventIdSchema = z.uuid().openapi({
  description:
    'Id of the accepted event (UUIDv7). `GET /api/v1/events/{id}` (admin) shows it queued, then stored with the lead it created or updated and the deliveries it caused (or failed, with the reason). Also in the `Location` header.',
  example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f',
});

export const AcceptedSchema = z.object({ id: EventIdSchema }).openapi('Accepted');

/** The `Location` header of every accepted write: the event, as an admin can open it. */
export const AcceptedHeaders = z.object({
  location: z.string().openapi({
    description: 'Where the accepted event can be followed: `/api/v1/events/{id}` (admin).',
    example: '/api/v1/events/01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f',
  }),
});

/** The error responses every public write endpoint documents. */
export const publicWriteErrors = {
  403: problemResponseDoc("The captcha check failed, or the request came from a page of another site than its site key's."),
  409: problemResponseDoc('A request with the same Idempotency-Key is still in progress.'),
  422: problemResponseDoc('Invalid fields (see `errors`), or an Idempotency-Key reused with a different body; nothing was stored.'),
  429: problemResponseDoc('Too many submissions for this email or from this network. See Retry-After.'),
  503: problemResponseDoc('The captcha service could not be reached; nothing was stored. Retry.'),
} as const;

/** What an admin route that reads one resource by id may answer beyond the generated errors. */
export const adminErrors = {
  404: problemResponseDoc('Not found.'),
} as const;

export const IdempotencyKeyHeader = z.object({
  'idempotency-key': z
    .string()
    .min(8)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII')
    .optional()
    .openapi({
      description: 'Retry-safe key: a retried request with the same key gets the original answer and creates nothing new (kept 24 h).',
      example: 'b3f1c1f6-6f5e-4a53-9d1e-3d9b1f1b2a77',
    }),
});

/** The `ws` of a signed link outside the default workspace (the link's signature covers it). */
export const WorkspaceSlugQuery = z
  .string()
  .max(63)
  .optional()
  .openapi({ description: "The workspace's slug, on links of every site but the default one. Part of what the link signs.", example: 'brand-b' });

/** The public site key on a GET (POST bodies may carry `site_key`; any request may send X-Site-Key). */
export const SiteKeyQuery = z.string().max(64).optional().openapi({
  description: "The site's public key, for callers that cannot set X-Site-Key. None: the default site.",
  example: 'lg_site_5f0c1d2e3a4b5c6d7e8f90a1b2c3d4e5',
});

/** The workspace a webhook or a bot calls for, by slug (`npm run workspace -- create` prints its URLs). */
export const WorkspacePathParam = z
  .string()
  .min(2)
  .max(63)
  .openapi({ param: { name: 'workspace', in: 'path' }, description: "The workspace's slug.", example: 'brand-b' });
