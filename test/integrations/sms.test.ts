import { describe, expect, it } from 'vitest';
import {
  classifyTwilioError,
  DEFAULT_SMS_TEMPLATES,
  effectiveSmsTemplates,
  isE164,
  parseTwilioErrorBody,
  renderSmsTemplate,
  SmsTemplateOverridesSchema,
  smsSegments,
  smsTemplateProblems,
  transliterateToGsm,
} from '../../src/domain/sms';

const POLISH_LETTERS = [...'ąćęłńóśźżĄĆĘŁŃÓŚŹŻ'];

describe('sms-segments-calculator inside workerd', () => {
  it('is imported and runs in the Workers runtime (not Node)', () => {
    // The pool runs tests in workerd; a Node built-in at import time would have failed this file already.
    expect(navigator.userAgent).toBe('Cloudflare-Workers');
    expect(smsSegments('ok').segments).toBe(1);
  });
});

describe('E.164', () => {
  it('accepts "+", a country code and up to 15 digits; refuses the rest', () => {
    expect(isE164('+48501234567')).toBe(true);
    expect(isE164('+14155550123')).toBe(true);
    expect(isE164('48501234567')).toBe(false);
    expect(isE164('+048501234567')).toBe(false);
    expect(isE164('+48 501 234 567')).toBe(false);
    expect(isE164('+1234567890123456')).toBe(false);
    expect(isE164('+48501234567\n')).toBe(false);
  });
});

describe('segments', () => {
  it('pure ASCII: 160 characters fit one part, 161 need two of 153', () => {
    expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', segments: 1, units: 160, perSegment: 160, nonGsmCharacters: [] });
    expect(smsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', segments: 2, units: 161, perSegment: 153, nonGsmCharacters: [] });
    expect(smsSegments('a'.repeat(306)).segments).toBe(2);
    expect(smsSegments('a'.repeat(307)).segments).toBe(3);
  });

  it('one Polish letter makes it UCS-2: 70 fit one part, 71 need two, 67 to a part when split', () => {
    expect(smsSegments(`ą${'a'.repeat(69)}`)).toEqual({ encoding: 'UCS-2', segments: 1, units: 70, perSegment: 70, nonGsmCharacters: ['ą'] });
    expect(smsSegments(`ą${'a'.repeat(70)}`)).toEqual({ encoding: 'UCS-2', segments: 2, units: 71, perSegment: 67, nonGsmCharacters: ['ą'] });
    expect(smsSegments(`ą${'a'.repeat(133)}`).segments).toBe(2);
    expect(smsSegments(`ą${'a'.repeat(134)}`).segments).toBe(3);
  });

  it('every Polish diacritic, lower and upper case, forces UCS-2; the plain letters do not', () => {
    for (const letter of POLISH_LETTERS) expect(smsSegments(`Dzien dobry ${letter}`).encoding, letter).toBe('UCS-2');
    expect(smsSegments('Dzien dobry, zapraszamy jutro o 9:00').encoding).toBe('GSM-7');
    expect(smsSegments('Zażółć gęślą jaźń').nonGsmCharacters).toEqual(['ż', 'ó', 'ł', 'ć', 'ę', 'ś', 'ą', 'ź', 'ń']);
  });

  it('extension characters (€ [ ] { } ~ ^ | \\) count double in GSM-7', () => {
    expect(smsSegments('€')).toMatchObject({ encoding: 'GSM-7', units: 2 });
    expect(smsSegments('['.repeat(80))).toMatchObject({ segments: 1, units: 160 });
    expect(smsSegments('['.repeat(81))).toMatchObject({ segments: 2, units: 162 });
    expect(smsSegments(`€${'a'.repeat(158)}`)).toMatchObject({ segments: 1, units: 160 });
    expect(smsSegments(`€${'a'.repeat(159)}`)).toMatchObject({ segments: 2, units: 161 });
    expect(smsSegments('{}~^|\\]').units).toBe(14);
  });

  it('an escape pair is not split across parts: 152 letters then € move the € to part two', () => {
    // 152 + 2 septets would be 154 > 153: the pair goes whole to the second part, which then holds 2 + 152.
    expect(smsSegments(`${'a'.repeat(152)}€${'a'.repeat(152)}`).segments).toBe(3);
    expect(smsSegments(`${'a'.repeat(152)}€${'a'.repeat(151)}`).segments).toBe(2);
  });
});

describe('transliteration to GSM-7', () => {
  it('spells Polish letters without diacritics, capitals included', () => {
    const t = transliterateToGsm('Zażółć gęślą jaźń. ZAŻÓŁĆ GĘŚLĄ JAŹŃ');
    expect(t.text).toBe('Zazolc gesla jazn. ZAZOLC GESLA JAZN');
    expect(t.changed).toBe(true);
    expect(t.before.encoding).toBe('UCS-2');
    expect(t.after.encoding).toBe('GSM-7');
  });

  it('replaces typographic quotes, dashes, ellipsis and non-breaking spaces', () => {
    expect(transliterateToGsm('„Dzień dobry” – ‘tak’ — «nie»… 10\u00A0zł').text).toBe('"Dzien dobry" - \'tak\' - "nie"... 10 zl');
  });

  it('reports what it saved: a 100-character Polish SMS goes from two UCS-2 parts to one GSM-7 part', () => {
    const body = `Witaj Łukasz! ${'Potwierdzamy spotkanie. '.repeat(4)}`.slice(0, 100);
    const t = transliterateToGsm(body);
    expect(t.before).toMatchObject({ encoding: 'UCS-2', segments: 2 });
    expect(t.after).toMatchObject({ encoding: 'GSM-7', segments: 1, units: 100 });
  });

  it('composes decomposed letters first, and keeps what has no GSM-7 spelling (then still UCS-2)', () => {
    expect(transliterateToGsm('Ba\u0328k').text).toBe('Bak');
    const emoji = transliterateToGsm('Do zobaczenia 👋');
    expect(emoji.text).toBe('Do zobaczenia 👋');
    expect(emoji.changed).toBe(false);
    expect(emoji.after.encoding).toBe('UCS-2');
  });
});

describe('Polish SMS templates', () => {
  const values = { name: 'Łucja', date: '15.06.2026', time: '09:00', service: 'Audyt marketingu', consultant: 'Jan Kowalski' };
  const templates = effectiveSmsTemplates();

  it('each default renders with its values, unescaped', () => {
    expect(renderSmsTemplate(templates, 'booking_confirmation', values)).toEqual({
      ok: true,
      text: 'Witaj Łucja! Potwierdzamy Twoje spotkanie dnia 15.06.2026 o godz. 09:00. Temat: Audyt marketingu. Konsultant: Jan Kowalski.',
    });
    expect(renderSmsTemplate(templates, 'booking_reminder', values)).toEqual({
      ok: true,
      text: 'Przypomnienie: jutro (15.06.2026) o godz. 09:00 masz spotkanie. Temat: Audyt marketingu. Konsultant: Jan Kowalski. Do zobaczenia!',
    });
    expect(renderSmsTemplate(templates, 'consultant_contact', values)).toEqual({
      ok: true,
      text: 'Witaj Łucja! Twoje zapytanie zostało przekazane do konsultanta (Jan Kowalski). Skontaktuje się z Tobą w ciągu 24h.',
    });
    expect(renderSmsTemplate(templates, 'default', { name: 'A&B <Sp. z o.o.>' })).toEqual({ ok: true, text: 'Witaj A&B <Sp. z o.o.>! Dziękujemy za kontakt.' });
  });

  it('refuses a missing or blank value, naming every one', () => {
    expect(renderSmsTemplate(templates, 'booking_confirmation', { ...values, time: undefined, consultant: '  ' })).toEqual({
      ok: false,
      missing: ['time', 'consultant'],
    });
    expect(renderSmsTemplate(templates, 'default', {})).toEqual({ ok: false, missing: ['name'] });
  });

  it('fills in one pass: a value that reads like a placeholder stays as typed', () => {
    expect(renderSmsTemplate(templates, 'default', { name: '{date}', date: 'never' })).toEqual({ ok: true, text: 'Witaj {date}! Dziękujemy za kontakt.' });
  });

  it('takes an override that uses known placeholders (or fewer)', () => {
    const custom = effectiveSmsTemplates({ default: 'Dzień dobry, {name}. Odezwiemy się wkrótce.' });
    expect(renderSmsTemplate(custom, 'default', { name: 'Ola' })).toEqual({ ok: true, text: 'Dzień dobry, Ola. Odezwiemy się wkrótce.' });
    expect(custom.booking_reminder).toBe(DEFAULT_SMS_TEMPLATES.booking_reminder);
    expect(smsTemplateProblems({ booking_reminder: 'Jutro o {time}.' })).toEqual([]);
  });

  it('refuses an override with an unknown placeholder, an unknown template, a stray brace or no text', () => {
    const bad = { booking_confirmation: 'Witaj {imie}! Spotkanie {date}.' };
    expect(smsTemplateProblems(bad)).toEqual([
      'booking_confirmation: unknown placeholder(s) {imie} (allowed: {name}, {date}, {time}, {service}, {consultant}, {company}, {company_phone})',
    ]);
    expect(SmsTemplateOverridesSchema.safeParse(bad).success).toBe(false);
    expect(() => effectiveSmsTemplates(bad)).toThrow(/unknown placeholder/);
    // {service} is known to booking templates but not to the default one.
    expect(smsTemplateProblems({ default: 'Witaj {name}, {service}' })).toHaveLength(1);
    expect(smsTemplateProblems({ welcome: 'Hej {name}' })[0]).toMatch(/"welcome" is not an SMS template/);
    expect(smsTemplateProblems({ default: 'Witaj {name' })).toEqual(['default: a brace outside a placeholder']);
    expect(smsTemplateProblems({ default: 'Witaj {Name}' })).toEqual(['default: a brace outside a placeholder']);
    expect(smsTemplateProblems({ default: '   ' })).toEqual(['default: the text is empty']);
    expect(SmsTemplateOverridesSchema.safeParse({ default: 'Witaj {name}!' }).success).toBe(true);
  });
});

describe('Twilio error classification', () => {
  it('21610 (the recipient replied STOP) means opted out, whatever the status', () => {
    expect(classifyTwilioError({ code: 21610, httpStatus: 400 })).toBe('opted_out');
    const body = parseTwilioErrorBody(
      '{"code":21610,"message":"Attempt to send to unsubscribed recipient","more_info":"https://www.twilio.com/docs/errors/21610","status":400}',
    );
    expect(body).toEqual({
      code: 21610,
      message: 'Attempt to send to unsubscribed recipient',
      more_info: 'https://www.twilio.com/docs/errors/21610',
      status: 400,
    });
    expect(classifyTwilioError({ code: body?.code, httpStatus: body?.status })).toBe('opted_out');
  });

  it('invalid-number codes fail without retry, at send time or in a status callback', () => {
    for (const code of [21211, 21614, 21408, 21635]) expect(classifyTwilioError({ code, httpStatus: 400 }), String(code)).toBe('invalid_number');
    for (const code of [30005, 30006]) expect(classifyTwilioError({ code }), String(code)).toBe('invalid_number');
  });

  it('rate and queue errors retry: 20429, 30001, and any 429 or 5xx without a known code', () => {
    expect(classifyTwilioError({ code: 20429, httpStatus: 429 })).toBe('retryable');
    expect(classifyTwilioError({ code: 30001 })).toBe('retryable');
    expect(classifyTwilioError({ httpStatus: 503 })).toBe('retryable');
    expect(classifyTwilioError({ code: 20005, httpStatus: 500 })).toBe('retryable');
  });

  it('anything else fails this message only', () => {
    expect(classifyTwilioError({ code: 30007 })).toBe('failed');
    expect(classifyTwilioError({ code: 21602, httpStatus: 400 })).toBe('failed');
    expect(classifyTwilioError({ code: null, httpStatus: 401 })).toBe('failed');
  });

  it('reads only Twilio-shaped error bodies', () => {
    expect(parseTwilioErrorBody({ code: 21211, message: "The 'To' number 5551234567 is not a valid phone number.", status: 400 })?.code).toBe(21211);
    expect(parseTwilioErrorBody('<html>502</html>')).toBeNull();
    expect(parseTwilioErrorBody({ error: 'x' })).toBeNull();
    expect(parseTwilioErrorBody({ code: '21610' })).toBeNull();
  });
});
