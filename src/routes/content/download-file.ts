import { z } from '@hono/zod-openapi';
import { verifyDownload } from '../../domain/signed-link';
import { signedWorkspace } from '../../domain/workspace';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { WorkspaceSlugQuery } from '../../http/schemas/common';
import { problemResponseDoc } from '../../http/schemas/problem';
import { logger } from '../../logger';
import { ServiceError } from '../../services/errors';
import { SlugParam } from './request-download';

const LinkQuery = z.object({
  download: z.string().max(64).optional().openapi({ description: 'Download id.', example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f' }),
  expires: z.string().max(16).optional().openapi({ description: 'Expiry, Unix seconds.', example: '1796000000' }),
  signature: z
    .string()
    .max(128)
    .optional()
    .openapi({ description: 'HMAC-SHA256 of slug, download id, expiry and workspace (base64url).', example: 'Jx0m7v7n1Yw4o2yKk3rS5bW8cZ9dA1eF2gH3iJ4kL5m' }),
  ws: WorkspaceSlugQuery,
});

export const downloadFileRoute = defineRoute('link', {
  method: 'get',
  path: '/content/{slug}/file',
  tags: ['Content'],
  summary: 'Follow a signed download link',
  description: "Checks the link's signature, then its expiry, then redirects to the asset. Links come from POST /api/v1/content/{slug}/download.",
  request: { params: SlugParam, query: LinkQuery },
  responses: {
    302: {
      description: 'Redirect to the asset.',
      headers: z.object({ location: z.string().openapi({ example: 'https://cdn.example.com/whitepapers/state-of-b2b-sales-2026.pdf' }) }),
    },
    403: problemResponseDoc('The link is not genuine (altered, truncated or signed for another asset).'),
    404: problemResponseDoc('The asset is no longer offered.'),
    410: problemResponseDoc('The link has expired; request the asset again.'),
  },
});

export const downloadFile = createRouter().openapi(downloadFileRoute, async (c) => {
  const { slug } = c.req.valid('param');
  const q = c.req.valid('query');
  const check = await verifyDownload(
    c.var.config.content.linkSecret,
    { slug, downloadId: q.download, expires: q.expires, signature: q.signature, workspaceId: signedWorkspace(c.var.workspace.id) },
    Math.floor(Date.now() / 1000),
  );
  if (!check.ok && check.reason === 'invalid') {
    logger.warn('content.link_refused', { request_id: c.var.requestId, asset_slug: slug });
    throw new ServiceError('forbidden', { detail: 'This download link is not valid.' });
  }
  if (!check.ok) throw new ServiceError('link_expired', { detail: 'Request the document again to receive a new link.' });
  const asset = c.var.config.content.assets.get(slug);
  if (!asset) throw new ServiceError('not_found', { detail: 'This document is no longer available.' });
  logger.info('content.link_followed', { request_id: c.var.requestId, asset_slug: slug, download_id: check.grant.downloadId });
  return c.redirect(asset.url, 302);
});
