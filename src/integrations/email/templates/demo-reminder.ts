import { type DemoEmailData, detailsHtml, detailsText, manageLinks, when } from './demo-details';
import { escapeHtml, layout } from './html';
import type { EmailTemplate } from './types';

/** Sent DEMO_REMINDER_MINUTES_BEFORE the call by the host's Scheduler alarm. */
export const demoReminder: EmailTemplate = (raw) => {
  const d = raw as unknown as DemoEmailData;
  const subject = `Reminder: your demo with ${d.host.name} — ${when(d)}`;
  const links = manageLinks(d);
  const html = layout(subject, `<h2>${escapeHtml(subject)}</h2>${detailsHtml(d)}${links.html}`);
  const text = [subject, '', detailsText(d), '', links.text].join('\n');
  return { subject, html, text };
};
