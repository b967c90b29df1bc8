import { lookup } from '../../../domain/lookup';
import { escapeHtml, layout } from './html';
import type { EmailTemplate } from './types';

/** To the person, only with marketing consent: we got your request, here is what happens next. */
export const leadConfirmation: EmailTemplate = (raw) => {
  const data = raw as { name?: string | null; source: string; company_name?: string };
  const greeting = data.name ? `Hi ${data.name},` : 'Hi,';
  const what: Record<string, string> = {
    pricing: 'your pricing request',
    contact_form: 'your message',
    whitepaper_download: 'your download request',
    roi_calculator: 'your ROI calculation',
    chatbot: 'your chat',
  };
  const about = lookup(what, data.source) ?? 'your request';
  const subject = 'Thanks — we received your request';
  const text = `${greeting}\n\nThanks for ${about}. Someone from our team will get back to you within one business day.\n\nYou are receiving this because you agreed to hear from us. Reply "unsubscribe" at any time.`;
  const html = layout(
    subject,
    `<p>${escapeHtml(greeting)}</p><p>Thanks for ${escapeHtml(about)}. Someone from our team will get back to you within one business day.</p>` +
      `<p style="color:#52606d;font-size:12px">You are receiving this because you agreed to hear from us. Reply “unsubscribe” at any time.</p>`,
  );
  return { subject, text, html };
};
