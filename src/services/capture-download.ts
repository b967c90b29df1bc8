import { type ContactInput, isSpam, toContactCapture } from '../domain/contact';
import { newId } from '../domain/ids';
import { downloadQuery, signDownload } from '../domain/signed-link';
import { signedWorkspace } from '../domain/workspace';
import { logger } from '../logger';
import type { ContentDownloadedEvent } from '../messages/events';
import { publishEvents } from '../messages/publish';
import { admitSubmission } from './admit-submission';
import type { ServiceContext } from './context';
import { ServiceError } from './errors';

export interface DownloadRequest extends ContactInput {
  website?: string;
  turnstile_token: string;
}

export interface DownloadGranted {
  id: string;
  download_url: string;
  expires_at: string;
}

/** The path of an asset's signed file link on the API's public origin. */
export function fileUrl(origin: string, slug: string): string {
  return `${origin}/api/v1/content/${encodeURIComponent(slug)}/file`;
}

/**
 * A gated download: the same gate as a form (honeypot, Turnstile action `content_download`, per-email
 * and per-network limits), then the download is queued durably and a signed link valid for
 * DOWNLOAD_LINK_TTL_SECONDS is handed back (and mailed by the consumer).
 */
export async function captureDownload({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { slug: string; request: DownloadRequest; clientIp: string; eventId?: string };
}): Promise<DownloadGranted> {
  const { slug, request, clientIp } = input;
  const content = ctx.config.content;
  const origin = ctx.config.core.publicOrigin;
  const asset = content.assets.get(slug);
  if (!asset) throw new ServiceError('not_found', { detail: 'No downloadable content with this slug.' });

  const id = input.eventId ?? newId();
  const now = Date.now();
  const expiresAtSeconds = Math.floor(now / 1000) + content.linkTtlSeconds;
  const expires_at = new Date(expiresAtSeconds * 1000).toISOString();
  if (isSpam(request)) {
    // Same shape as a real answer, but signed under a throwaway key: the link will be refused.
    logger.info('content.spam_honeypot', { request_id: ctx.requestId, asset_slug: slug });
    const decoy = await signDownload(crypto.randomUUID(), { slug, downloadId: id, expiresAt: expiresAtSeconds });
    const query = new URLSearchParams({ download: id, expires: String(expiresAtSeconds), signature: decoy });
    return { id, download_url: `${fileUrl(origin, slug)}?${query}`, expires_at };
  }

  const occurredAt = new Date(now).toISOString();
  const contact = toContactCapture(request, 'whitepaper_download', occurredAt);
  await admitSubmission({
    ctx,
    input: { emailNormalized: contact.email_normalized, clientIp, turnstileToken: request.turnstile_token, action: 'content_download', eventId: id },
  });

  const query = await downloadQuery(
    content.linkSecret,
    { slug, downloadId: id, expiresAt: expiresAtSeconds, workspaceId: signedWorkspace(ctx.workspace.id) },
    ctx.workspace.slug,
  );
  const download_url = `${fileUrl(origin, slug)}?${query}`;
  const event: ContentDownloadedEvent = {
    id,
    type: 'content.downloaded',
    occurred_at: occurredAt,
    request_id: ctx.requestId,
    workspace_id: ctx.workspace.id,
    asset_slug: slug,
    asset_title: asset.title,
    download_url,
    link_expires_at: expires_at,
    contact,
  };
  await publishEvents({ env: ctx.env, core: ctx.config.core }, [event]);
  return { id, download_url, expires_at };
}
