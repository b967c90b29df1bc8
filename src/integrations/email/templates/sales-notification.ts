import { escapeHtml, layout, rows, textRows } from './html';
import type { EmailTemplate } from './types';

interface Data {
  lead: { id: string; email: string; name?: string | null; company?: string | null; company_domain?: string | null; phone?: string | null; source: string };
  submission?: Record<string, unknown>;
  calculation?: Record<string, unknown>;
  admin_url?: string;
}

const label = (k: string) => k.replaceAll('_', ' ').replace(/^./, (c) => c.toUpperCase());
/** "contact_form" → "the contact form", "pricing" → "the pricing form". */
const formName = (source: string) => {
  const words = source.replaceAll('_', ' ');
  return `the ${words}${words.endsWith('form') ? '' : ' form'}`;
};
const show = (v: unknown) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : v);

/** To the sales inbox for every new lead: who, from which form, what they asked or calculated. */
export const salesNotification: EmailTemplate = (raw) => {
  const { lead, submission = {}, calculation } = raw as unknown as Data;
  const who = lead.name || lead.email;
  const subject = `New lead: ${who}${lead.company ? ` (${lead.company})` : ''} — ${lead.source.replaceAll('_', ' ')}`;
  const contact: Array<[string, unknown]> = [
    ['Name', lead.name],
    ['Email', lead.email],
    ['Company', lead.company],
    ['Company domain', lead.company_domain],
    ['Phone', lead.phone],
    ['Source', lead.source],
  ];
  const details = Object.entries(submission)
    .filter(([k]) => k !== 'contact')
    .map(([k, v]): [string, unknown] => [label(k), show(v)]);
  const calc = calculation ? Object.entries(calculation).map(([k, v]): [string, unknown] => [label(k), show(v)]) : [];
  const html = layout(
    subject,
    [
      `<h2>New lead from ${escapeHtml(formName(lead.source))}</h2>`,
      rows(contact),
      details.length ? `<h3>What they sent</h3>${rows(details)}` : '',
      calc.length ? `<h3>What they calculated</h3>${rows(calc)}` : '',
      raw.admin_url ? `<p><a href="${escapeHtml(raw.admin_url)}">Open the lead</a></p>` : `<p style="color:#52606d">Lead id ${escapeHtml(lead.id)}</p>`,
    ].join(''),
  );
  const text = [
    `New lead from ${formName(lead.source)}`,
    '',
    textRows(contact),
    details.length ? `\nWhat they sent\n${textRows(details)}` : '',
    calc.length ? `\nWhat they calculated\n${textRows(calc)}` : '',
    `\nLead id ${lead.id}`,
  ].join('\n');
  return { subject, html, text };
};
