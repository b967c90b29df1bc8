import { type DemoEmailData, detailsHtml, detailsText, manageLinks, when } from './demo-details';
import { escapeHtml, layout } from './html';
import type { EmailTemplate } from './types';

/** The invite (or its update after a reschedule), to the prospect and to the host; the .ics is attached. */
export const demoInvite: EmailTemplate = (raw) => {
  const d = raw as unknown as DemoEmailData;
  const verb = d.updated ? 'moved' : 'booked';
  const subject =
    d.audience === 'prospect'
      ? `Your demo is ${verb}: ${when(d)}`
      : `Demo ${verb}: ${d.prospect.name ?? d.prospect.email}${d.prospect.company ? ` (${d.prospect.company})` : ''} — ${when(d)}`;
  const links = manageLinks(d);
  const html = layout(subject, `<h2>${escapeHtml(subject)}</h2>${detailsHtml(d)}<p>The calendar invite is attached.</p>${links.html}`);
  const text = [subject, '', detailsText(d), '', 'The calendar invite is attached.', links.text].join('\n');
  return { subject, html, text };
};
