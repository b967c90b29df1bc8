import type { Transaction } from '../db/client';
import { contentDownloads } from '../db/schema';
import type { DeliveryRequest } from '../fanout/types';
import type { ApplyContext } from '../queues/apply-context';
import type { ContentDownloadedEvent } from '../queues/tool-events';
import { AlreadyApplied, appendLeadEvent, upsertLead } from './record-lead-event';
import { salesNotificationRequest } from './sales-notification-request';

/**
 * Consumer side of a gated download: the lead, a `content_downloaded` history entry, the
 * `content_downloads` row, then the link by email to the requester and a note to sales. Once.
 */
export async function applyContentDownloaded(tx: Transaction, event: ContentDownloadedEvent, ctx: ApplyContext): Promise<DeliveryRequest[]> {
  const { contact } = event;
  const leadId = await upsertLead(tx, contact, event.occurred_at);
  const fresh = await appendLeadEvent(tx, {
    id: event.id,
    leadId,
    type: 'content_downloaded',
    source: 'whitepaper_download',
    payload: { download_id: event.id, asset_slug: event.asset_slug, asset_title: event.asset_title, link_expires_at: event.link_expires_at },
    occurredAt: event.occurred_at,
    requestId: event.request_id,
  });
  if (!fresh) throw new AlreadyApplied(event.id);
  await tx
    .insert(contentDownloads)
    .values({ id: event.id, leadId, assetSlug: event.asset_slug, linkExpiresAt: new Date(event.link_expires_at), createdAt: new Date(event.occurred_at) })
    .onConflictDoNothing({ target: contentDownloads.id });

  return [
    {
      destination: 'email',
      key: 'download_link',
      leadId,
      payload: {
        template: 'download_link',
        to: [{ email: contact.email, ...(contact.name ? { name: contact.name } : {}) }],
        data: { name: contact.name ?? null, asset_title: event.asset_title, download_url: event.download_url, expires_at: event.link_expires_at },
      },
    },
    salesNotificationRequest(ctx.config, {
      leadId,
      contact,
      source: 'whitepaper_download',
      submission: { asset_slug: event.asset_slug, asset_title: event.asset_title },
    }),
  ];
}
