import { describe, expect, it } from 'vitest';
import { phoneToE164, slotLabel, visitorTimeZone } from '../../src/domain/chatbot';
import { DEFAULT_SMS_TEMPLATES, effectiveSmsTemplates, renderSmsTemplate, smsSegments, transliterateToGsm } from '../../src/domain/sms';
import { localDateTime } from '../../src/fanout/chatbot-fanout';
import { sendGridRequest } from '../../src/integrations/email/sendgrid';
import { renderEmail } from '../../src/integrations/email/templates';

const company = { name: 'Leadgate Test', phone: '+48 22 100 20 30' };
const meeting = {
  name: 'Jan <b>Kowalski</b>',
  date: '15.06.2027',
  time: '09:30',
  time_zone: 'Europe/Warsaw',
  service: 'Wdrożenie CRM',
  consultant: 'Anna Kowalska',
  booking_id: '0193a1b2-0000-7000-8000-000000000001',
  company,
  cancel_url: 'https://api.example.com/api/v1/demo/cancel?x=1&y=2',
  reschedule_url: 'https://api.example.com/api/v1/demo/reschedule?x=1',
};

describe('the chatbot’s emails, in Polish', () => {
  it('booking_confirmation and booking_reminder: date, time, topic, consultant, links, company; user text escaped', () => {
    const confirmation = renderEmail('booking_confirmation', meeting);
    expect(confirmation.subject).toBe('Potwierdzenie spotkania: 15.06.2027, godz. 09:30');
    expect(confirmation.text).toContain('Witaj Jan <b>Kowalski</b>!');
    expect(confirmation.html).toContain('Witaj Jan &lt;b&gt;Kowalski&lt;/b&gt;!');
    expect(confirmation.html).not.toContain('<b>Kowalski</b>');
    for (const part of ['Wdrożenie CRM', 'Anna Kowalska', '09:30 (Europe/Warsaw)', 'Leadgate Test, tel. +48 22 100 20 30', 'Odwołaj spotkanie'])
      expect(confirmation.text).toContain(part);
    expect(confirmation.html).toContain('href="https://api.example.com/api/v1/demo/cancel?x=1&amp;y=2"');
    const reminder = renderEmail('booking_reminder', meeting);
    expect(reminder.subject).toBe('Przypomnienie: jutro (15.06.2027) o godz. 09:30 masz spotkanie');
  });

  it('consultant_contact, thank_you and the consultant’s notice', () => {
    const contact = renderEmail('consultant_contact', { name: 'Ewa', consultant: 'Anna Kowalska', question: 'Czy macie API?', company });
    expect(contact.text).toContain('Twoje zapytanie zostało przekazane do konsultanta (Anna Kowalska). Skontaktuje się z Tobą w ciągu 24h.');
    expect(contact.text).toContain('Czy macie API?');
    expect(renderEmail('thank_you', { name: null, company }).text).toMatch(/^Dzień dobry!\n\nDziękujemy za kontakt/);
    const notice = renderEmail('consultant_notice', {
      lead: { id: 'l1', email: 'ewa@acme-test.com', name: 'Ewa', phone: '+48511222333' },
      question: 'Czy macie API?',
      package: 'Premium',
      topic: null,
      platform: 'chatfuel',
      lead_url: 'https://api.example.com/api/v1/leads/l1',
    });
    expect(notice.subject).toBe('Przekazanie z czatu: Ewa');
    expect(notice.text).toContain('Pytanie: Czy macie API?');
  });

  it('with a SendGrid dynamic template configured, SendGrid gets template_id and the same data', async () => {
    const request = sendGridRequest(
      {
        apiKey: 'SG.x',
        apiUrl: 'https://api.sendgrid.com',
        from: { email: 'no-reply@x.com' },
        templateIds: new Map([['booking_confirmation', 'd-0123abcd']]),
        timeoutMs: 1000,
      },
      { template: 'booking_confirmation', to: [{ email: 'jan@acme-test.com' }], data: meeting },
    );
    const body = (await request.json()) as any;
    expect(body.template_id).toBe('d-0123abcd');
    expect(body.personalizations[0].dynamic_template_data).toEqual(meeting);
    expect(body.content).toBeUndefined();
  });
});

describe('the chatbot’s texts', () => {
  it('each SMS template with the wording of the issue, and what it costs in segments', () => {
    const t = effectiveSmsTemplates();
    const values = { name: 'Jan', date: '15.06.2027', time: '09:30', service: 'Wdrożenie CRM', consultant: 'Anna Kowalska' };
    const confirmation = renderSmsTemplate(t, 'booking_confirmation', values);
    expect(confirmation).toEqual({
      ok: true,
      text: 'Witaj Jan! Potwierdzamy Twoje spotkanie dnia 15.06.2027 o godz. 09:30. Temat: Wdrożenie CRM. Konsultant: Anna Kowalska.',
    });
    // Polish diacritics force UCS-2: 70 characters alone, 67 a part once split.
    const cost = smsSegments(confirmation.ok ? confirmation.text : '');
    expect(cost).toMatchObject({ encoding: 'UCS-2', segments: 2, perSegment: 67 });
    const plain = transliterateToGsm(confirmation.ok ? confirmation.text : '');
    expect(plain.after).toMatchObject({ encoding: 'GSM-7', segments: 1, perSegment: 160 });
    expect(plain.text).toContain('Wdrozenie CRM');
    expect(renderSmsTemplate(t, 'booking_reminder', values)).toMatchObject({ ok: true });
    expect(renderSmsTemplate(t, 'consultant_contact', values)).toMatchObject({ ok: true });
    expect(renderSmsTemplate(t, 'default', values)).toEqual({ ok: true, text: 'Witaj Jan! Dziękujemy za kontakt.' });
    expect(Object.keys(DEFAULT_SMS_TEMPLATES).sort()).toEqual(['booking_confirmation', 'booking_reminder', 'consultant_contact', 'default']);
  });

  it('numbers to E.164, Polish dates and slot buttons on the visitor’s clock', () => {
    expect(phoneToE164('600 100 200')).toBe('+48600100200');
    expect(phoneToE164('0048 600-100-200')).toBe('+48600100200');
    expect(phoneToE164('+1 (415) 555-0123')).toBe('+14155550123');
    expect(phoneToE164('12')).toBeNull();
    expect(localDateTime('2027-06-15T07:30:00.000Z', 'Europe/Warsaw')).toEqual({ date: '15.06.2027', time: '09:30' });
    expect(slotLabel({ start: '2027-06-15T07:30:00.000Z' }, 'Europe/Warsaw')).toBe('wt. 15.06, 09:30');
    expect(visitorTimeZone('+1 GMT', 'Europe/Warsaw')).toBe('Europe/Warsaw');
    expect(visitorTimeZone('America/New_York', 'Europe/Warsaw')).toBe('America/New_York');
    expect(visitorTimeZone('Mars/Olympus', 'Europe/Warsaw')).toBe('Europe/Warsaw');
  });
});
