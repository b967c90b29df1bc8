import { crmContactSyncs, salesNotification } from '../../fanout/lead-fanout';
import type { ContentDownloadedEvent } from '../../messages/events';
import type { ServiceContext } from '../context';
import type { EventPlan } from './plan';

/** A gated download: the lead, its history entry, the `content_downloads` row, the link by email, sales and the CRMs. */
export function planContentDownloaded({ ctx, input: event }: { ctx: ServiceContext; input: ContentDownloadedEvent }): EventPlan {
  const { contact } = event;
  return {
    contact: { contact, occurredAt: Date.parse(event.occurred_at) },
    history: {
      type: 'content_downloaded',
      source: 'whitepaper_download',
      payload: { download_id: event.id, asset_slug: event.asset_slug, asset_title: event.asset_title, link_expires_at: event.link_expires_at },
    },
    download: { assetSlug: event.asset_slug, linkExpiresAt: new Date(event.link_expires_at), createdAt: new Date(event.occurred_at) },
    deliveries: (lead) =>
      lead
        ? [
            {
              destination: 'email',
              key: 'download_link',
              leadId: lead.id,
              payload: {
                template: 'download_link',
                to: [{ email: contact.email, ...(contact.name ? { name: contact.name } : {}) }],
                data: { name: contact.name ?? null, asset_title: event.asset_title, download_url: event.download_url, expires_at: event.link_expires_at },
              },
            },
            salesNotification(ctx.config.email, lead, 'whitepaper_download', { asset_slug: event.asset_slug, asset_title: event.asset_title }),
            ...crmContactSyncs(ctx.config.crm, lead),
          ]
        : [],
  };
}
