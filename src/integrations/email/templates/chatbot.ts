import { escapeHtml, layout, rows, textRows } from './html';
import type { EmailTemplate, RenderedEmail } from './types';

/**
 * The chatbot hub's emails, in Polish. With SENDGRID_TEMPLATE_IDS naming a dynamic template for one of
 * them, SendGrid renders that template with the same data (`dynamic_template_data`); these renderings
 * are what is sent otherwise, and what the local capture shows.
 *
 * Data contracts:
 * - booking_confirmation, booking_reminder: `{ name, date, time, time_zone, service, consultant, booking_id,
 *   company: { name, phone }, cancel_url?, reschedule_url? }` (date and time on the visitor's clock)
 * - consultant_contact: `{ name, consultant, question, company }`
 * - thank_you: `{ name, company }`
 * - consultant_notice (to the consultant): `{ lead: { id, email, name, phone }, question, package, topic, platform, lead_url }`
 */
interface Company {
  name: string;
  phone?: string | null;
}

interface MeetingData {
  name?: string | null;
  date: string;
  time: string;
  time_zone: string;
  service?: string | null;
  consultant: string;
  booking_id: string;
  company: Company;
  cancel_url?: string;
  reschedule_url?: string;
}

const hello = (name?: string | null) => (name ? `Witaj ${name}!` : 'Dzień dobry!');

function signature(company: Company): { html: string; text: string } {
  const line = company.phone ? `${company.name}, tel. ${company.phone}` : company.name;
  return { html: `<p style="color:#52606d">${escapeHtml(line)}</p>`, text: line };
}

function meetingEmail(d: MeetingData, subject: string, intro: string): RenderedEmail {
  const pairs: Array<[string, unknown]> = [
    ['Data', d.date],
    ['Godzina', `${d.time} (${d.time_zone})`],
    ['Temat', d.service ?? null],
    ['Konsultant', d.consultant],
  ];
  const links = [d.reschedule_url ? ['Zmień termin', d.reschedule_url] : null, d.cancel_url ? ['Odwołaj spotkanie', d.cancel_url] : null].filter(
    (l): l is string[] => l !== null,
  );
  const sign = signature(d.company);
  const html = layout(
    subject,
    `<p>${escapeHtml(hello(d.name))}</p><p>${escapeHtml(intro)}</p>${rows(pairs)}` +
      links.map(([label, url]) => `<p><a href="${escapeHtml(url!)}">${escapeHtml(label!)}</a></p>`).join('') +
      sign.html,
  );
  const text = [hello(d.name), '', intro, '', textRows(pairs), '', ...links.map(([label, url]) => `${label}: ${url}`), '', sign.text].join('\n');
  return { subject, html, text };
}

export const bookingConfirmation: EmailTemplate = (raw) => {
  const d = raw as unknown as MeetingData;
  return meetingEmail(d, `Potwierdzenie spotkania: ${d.date}, godz. ${d.time}`, 'Potwierdzamy Twoje spotkanie. Zaproszenie do kalendarza jest w załączniku.');
};

export const bookingReminder: EmailTemplate = (raw) => {
  const d = raw as unknown as MeetingData;
  return meetingEmail(d, `Przypomnienie: jutro (${d.date}) o godz. ${d.time} masz spotkanie`, 'Przypominamy o jutrzejszym spotkaniu. Do zobaczenia!');
};

export const consultantContact: EmailTemplate = (raw) => {
  const d = raw as { name?: string | null; consultant: string; question?: string | null; company: Company };
  const subject = 'Twoje zapytanie zostało przekazane do konsultanta';
  const intro = `Twoje zapytanie zostało przekazane do konsultanta (${d.consultant}). Skontaktuje się z Tobą w ciągu 24h.`;
  const sign = signature(d.company);
  const question = d.question ? [['Twoje pytanie', d.question] as [string, unknown]] : [];
  return {
    subject,
    html: layout(subject, `<p>${escapeHtml(hello(d.name))}</p><p>${escapeHtml(intro)}</p>${question.length ? rows(question) : ''}${sign.html}`),
    text: [hello(d.name), '', intro, ...(question.length ? ['', textRows(question)] : []), '', sign.text].join('\n'),
  };
};

export const thankYou: EmailTemplate = (raw) => {
  const d = raw as { name?: string | null; company: Company };
  const subject = 'Dziękujemy za kontakt';
  const intro = 'Dziękujemy za kontakt. Odezwiemy się wkrótce.';
  const sign = signature(d.company);
  return {
    subject,
    html: layout(
      subject,
      `<p>${escapeHtml(hello(d.name))}</p><p>${escapeHtml(intro)}</p>` +
        `<p style="color:#52606d;font-size:12px">Otrzymujesz tę wiadomość, ponieważ wyraziłeś zgodę na kontakt. Odpisz „wypisz”, aby zrezygnować.</p>${sign.html}`,
    ),
    text: [
      hello(d.name),
      '',
      intro,
      '',
      'Otrzymujesz tę wiadomość, ponieważ wyraziłeś zgodę na kontakt. Odpisz „wypisz”, aby zrezygnować.',
      '',
      sign.text,
    ].join('\n'),
  };
};

export const consultantNotice: EmailTemplate = (raw) => {
  const d = raw as {
    lead: { id: string; email: string; name?: string | null; phone?: string | null };
    question?: string | null;
    package?: string | null;
    topic?: string | null;
    platform: string;
    lead_url: string;
  };
  const subject = `Przekazanie z czatu: ${d.lead.name ?? d.lead.email}`;
  const pairs: Array<[string, unknown]> = [
    ['Klient', d.lead.name ?? null],
    ['E-mail', d.lead.email],
    ['Telefon', d.lead.phone ?? null],
    ['Pytanie', d.question ?? null],
    ['Pakiet', d.package ?? null],
    ['Temat', d.topic ?? null],
    ['Kanał', d.platform],
    ['Lead', d.lead_url],
  ];
  const intro = 'Czatbot przekazał rozmowę do konsultanta. Klient czeka na kontakt w ciągu 24h.';
  return { subject, html: layout(subject, `<p>${escapeHtml(intro)}</p>${rows(pairs)}`), text: [intro, '', textRows(pairs)].join('\n') };
};
