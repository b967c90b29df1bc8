import { z } from '@hono/zod-openapi';
import { ASSET_SLUG } from '../../domain/content-assets';
import { acceptedHeaders, idempotent } from '../../http/idempotency';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { AcceptedHeaders, EventIdSchema, IdempotencyKeyHeader, ProblemSchema, publicWriteErrors } from '../../http/schemas/common';
import { contactFields } from '../../http/schemas/lead-submission';
import { clientIp, serviceContext } from '../../http/service-context';
import { captureDownload } from '../../services/capture-download';

export const SlugParam = z.object({
  slug: z
    .string()
    .regex(ASSET_SLUG, 'must be a lower-case slug')
    .openapi({ param: { name: 'slug', in: 'path' }, description: "The asset's slug (configured in CONTENT_ASSETS).", example: 'state-of-b2b-sales-2026' }),
});

const DownloadRequestSchema = z
  .strictObject({ ...contactFields })
  .openapi('DownloadRequest', { description: 'Who is downloading: the same contact fields as a lead form.' });

const DownloadGrantedSchema = z
  .object({
    id: EventIdSchema.openapi({
      description:
        'Download id (UUIDv7), signed into the link; also the id of its event: `GET /api/v1/events/{id}` (admin) shows the download stored with its lead and deliveries. Also in `Location`.',
    }),
    download_url: z.string().url().openapi({
      description: 'Signed link to the asset; also emailed to the requester.',
      example:
        'https://api.example.com/api/v1/content/state-of-b2b-sales-2026/file?download=01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f&expires=1796000000&signature=3q2-7w',
    }),
    expires_at: z.iso.datetime().openapi({ description: 'When the link stops working.', example: '2026-12-01T10:00:00.000Z' }),
  })
  .openapi('DownloadGranted');

export const requestDownloadRoute = defineRoute('public', {
  method: 'post',
  path: '/content/{slug}/download',
  tags: ['Content'],
  summary: 'Request a gated asset',
  description:
    'Captures the lead with the same rules as POST /api/v1/leads (honeypot, Turnstile action `content_download`, ' +
    'per-email and per-network limits, Idempotency-Key), records the download through the events queue, and answers ' +
    '202 with a signed link valid for DOWNLOAD_LINK_TTL_SECONDS (7 days by default). The link is also emailed to the requester.',
  request: {
    params: SlugParam,
    headers: IdempotencyKeyHeader,
    body: { required: true, content: { 'application/json': { schema: DownloadRequestSchema } } },
  },
  responses: {
    202: {
      description: 'Accepted: the download is recorded durably; here is the link.',
      headers: AcceptedHeaders,
      content: { 'application/json': { schema: DownloadGrantedSchema } },
    },
    404: { description: 'No asset with this slug.', content: { 'application/problem+json': { schema: ProblemSchema } } },
    ...publicWriteErrors,
  },
});

export const requestDownload = createRouter().openapi(requestDownloadRoute, async (c) => {
  const { slug } = c.req.valid('param');
  const request = c.req.valid('json');
  const { turnstile_token, ...fingerprint } = request;
  const answer = await idempotent(c, `content:${slug}`, fingerprint, async (eventId) => ({
    status: 202 as const,
    body: await captureDownload({ ctx: serviceContext(c), input: { slug, request, clientIp: clientIp(c), eventId } }),
  }));
  acceptedHeaders(c, answer.body.id, answer.replayed);
  return c.json(answer.body, answer.status);
});
