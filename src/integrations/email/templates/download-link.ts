import { escapeHtml, layout } from './html';
import type { EmailTemplate } from './types';

/** To the person who asked for a gated asset: the signed link and until when it works. */
export const downloadLink: EmailTemplate = (raw) => {
  const data = raw as { name?: string | null; asset_title: string; download_url: string; expires_at: string };
  const greeting = data.name ? `Hi ${data.name},` : 'Hi,';
  const until = new Date(data.expires_at).toUTCString();
  const subject = `Your download: ${data.asset_title}`;
  const text =
    `${greeting}\n\nHere is your copy of "${data.asset_title}":\n${data.download_url}\n\n` +
    `The link is personal and works until ${until}. If it has expired, request the document again on our site.`;
  const html = layout(
    subject,
    `<p>${escapeHtml(greeting)}</p><p>Here is your copy of <strong>${escapeHtml(data.asset_title)}</strong>.</p>` +
      `<p><a href="${escapeHtml(data.download_url)}" style="background:#1f6feb;color:#fff;padding:10px 16px;border-radius:4px;text-decoration:none">Download</a></p>` +
      `<p style="color:#52606d;font-size:12px">The link is personal and works until ${escapeHtml(until)}. If it has expired, request the document again on our site.</p>`,
  );
  return { subject, text, html };
};
