import { lookup } from '../../../domain/lookup';
import { displaySafe } from '../../../domain/text';
import { bookingConfirmation, bookingReminder, consultantContact, consultantNotice, thankYou } from './chatbot';
import { demoCancelled } from './demo-cancelled';
import { demoInvite } from './demo-invite';
import { demoReminder } from './demo-reminder';
import { downloadLink } from './download-link';
import { leadConfirmation } from './lead-confirmation';
import { salesNotification } from './sales-notification';
import type { EmailTemplate } from './types';

/** Every email Leadgate sends, by name. Each template lives in its own file next to this one. */
export const EMAIL_TEMPLATES: Record<string, EmailTemplate> = {
  sales_notification: salesNotification,
  lead_confirmation: leadConfirmation,
  download_link: downloadLink,
  demo_invite: demoInvite,
  demo_cancelled: demoCancelled,
  demo_reminder: demoReminder,
  booking_confirmation: bookingConfirmation,
  booking_reminder: bookingReminder,
  consultant_contact: consultantContact,
  thank_you: thankYou,
  consultant_notice: consultantNotice,
};

export function renderEmail(template: string, data: Record<string, unknown>) {
  const render = lookup(EMAIL_TEMPLATES, template);
  if (!render) throw new Error(`unknown email template "${template}"`);
  const rendered = render(data);
  // A subject is one line a person judges the email by: nothing in it may hide or reverse text.
  return { ...rendered, subject: displaySafe(rendered.subject) };
}
