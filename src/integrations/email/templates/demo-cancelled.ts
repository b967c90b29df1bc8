import { type DemoEmailData, detailsHtml, detailsText, when } from './demo-details';
import { escapeHtml, layout } from './html';
import type { EmailTemplate } from './types';

/** The cancellation, with a METHOD:CANCEL .ics that removes the event from both calendars. */
export const demoCancelled: EmailTemplate = (raw) => {
  const d = raw as unknown as DemoEmailData;
  const subject = d.audience === 'prospect' ? `Your demo on ${when(d)} is cancelled` : `Demo cancelled: ${d.prospect.name ?? d.prospect.email} — ${when(d)}`;
  const html = layout(subject, `<h2>${escapeHtml(subject)}</h2>${detailsHtml(d)}`);
  const text = [subject, '', detailsText(d)].join('\n');
  return { subject, html, text };
};
