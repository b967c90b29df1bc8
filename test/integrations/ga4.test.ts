import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/crypto/digest';
import {
  buildChatbotMeasurement,
  type ChatbotEvent,
  debugMeasurement,
  GA4_EU_ENDPOINT,
  type MeasurementPayload,
  sendChatbotEvents,
  sendMeasurement,
  validateMeasurement,
} from '../../src/integrations/analytics/ga4';
import { server } from '../support/msw';

const o = { measurementId: 'G-LEADGATE1', apiSecret: 'mp-secret-Xy12', timeoutMs: 1000 };
const fetcher = (r: Request) => fetch(r);
const granted = { analytics: true, adUserData: true, adPersonalization: false };

/** /mp/collect as Google runs it: 204 for anything it receives, valid or not. */
function collect(host = 'https://www.google-analytics.com', status = 204) {
  const seen: Array<{ url: URL; headers: Record<string, string>; raw: string; body: MeasurementPayload }> = [];
  server.use(
    http.post(`${host}/mp/collect`, async ({ request }) => {
      const raw = await request.text();
      seen.push({ url: new URL(request.url), headers: Object.fromEntries(request.headers), raw, body: JSON.parse(raw) });
      return new HttpResponse(null, { status });
    }),
  );
  return seen;
}

describe('GA4 Measurement Protocol: the chatbot funnel', () => {
  it('the four events, with source and package, to /mp/collect with the measurement id and secret in the query', async () => {
    const seen = collect();
    const events: ChatbotEvent[] = [
      { name: 'chatbot_conversation_start', source: 'fb_ad_spring', sessionId: '1764620000', engagementTimeMsec: 1 },
      { name: 'generate_lead', source: 'fb_ad_spring', package: 'premium' },
      { name: 'book_meeting', source: 'fb_ad_spring', package: 'premium' },
      { name: 'consultant_handoff', source: 'fb_ad_spring', package: 'basic', engagementTimeMsec: 45_000 },
    ];
    const result = await sendChatbotEvents(fetcher, o, { botUserId: '5839201746352', consent: granted, events });
    expect(result).toEqual({ ok: true, statusCode: 204, requests: 1, sentEvents: 4 });
    expect(seen).toHaveLength(1);
    const [call] = seen;
    expect(call!.url.origin + call!.url.pathname).toBe('https://www.google-analytics.com/mp/collect');
    expect(Object.fromEntries(call!.url.searchParams)).toEqual({ measurement_id: 'G-LEADGATE1', api_secret: 'mp-secret-Xy12' });
    expect(call!.headers['content-type']).toBe('application/json');
    expect(call!.body.events).toEqual([
      { name: 'chatbot_conversation_start', params: { source: 'fb_ad_spring', session_id: '1764620000', engagement_time_msec: 1 } },
      { name: 'generate_lead', params: { source: 'fb_ad_spring', package: 'premium' } },
      { name: 'book_meeting', params: { source: 'fb_ad_spring', package: 'premium' } },
      { name: 'consultant_handoff', params: { source: 'fb_ad_spring', package: 'basic', engagement_time_msec: 45_000 } },
    ]);
  });

  it('client_id is the SHA-256 of the bot user id; nothing identifying is in the body; consent signals as given', async () => {
    const seen = collect();
    const botUserId = '5839201746352';
    await sendChatbotEvents(fetcher, o, { botUserId, consent: granted, events: [{ name: 'generate_lead', source: 'messenger', package: 'premium' }] });
    const { body, raw } = seen[0]!;
    expect(body.client_id).toBe(await sha256Hex(botUserId));
    expect(body.client_id).toMatch(/^[0-9a-f]{64}$/);
    expect(raw).not.toContain(botUserId);
    expect(Object.keys(body).sort()).toEqual(['client_id', 'consent', 'events']);
    expect(body.consent).toEqual({ ad_user_data: 'GRANTED', ad_personalization: 'DENIED' });

    await sendChatbotEvents(fetcher, o, {
      botUserId,
      consent: { analytics: true, adUserData: false, adPersonalization: true },
      events: [{ name: 'book_meeting' }],
    });
    expect(seen[1]!.body.consent).toEqual({ ad_user_data: 'DENIED', ad_personalization: 'GRANTED' });
    expect(seen[1]!.body.client_id).toBe(body.client_id);
  });

  it('a parameter that looks like an email or phone number is refused, not sent', async () => {
    const seen = collect();
    for (const source of ['anna.kowalska@example.pl', '+48 600 100 200', '600100200']) {
      const result = await sendChatbotEvents(fetcher, o, { botUserId: 'u1', consent: granted, events: [{ name: 'generate_lead', source }] });
      expect(result).toMatchObject({ ok: false, retryable: false, error: 'refused: events[0].params.source looks like personal data' });
    }
    expect(seen).toHaveLength(0);
  });

  it('without analytics consent: skipped, no request', async () => {
    const seen = collect();
    const result = await sendChatbotEvents(fetcher, o, {
      botUserId: 'u1',
      consent: { analytics: false, adUserData: true, adPersonalization: true },
      events: [{ name: 'chatbot_conversation_start' }],
    });
    expect(result).toEqual({ ok: true, skipped: 'no_analytics_consent' });
    const payload = await buildChatbotMeasurement({
      botUserId: 'u1',
      consent: { adUserData: true, adPersonalization: true },
      events: [{ name: 'generate_lead' }],
    });
    expect(await sendMeasurement(fetcher, o, payload, { analytics: false })).toEqual({ ok: true, skipped: 'no_analytics_consent' });
    expect(seen).toHaveLength(0);
  });

  it('more than 25 events go in requests of at most 25, each with the same client and consent', async () => {
    const seen = collect();
    const events: ChatbotEvent[] = Array.from({ length: 57 }, (_, i) => ({ name: CYCLE[i % 4]!, source: `s${i}` }));
    const result = await sendChatbotEvents(fetcher, o, { botUserId: 'u-57', consent: granted, events });
    expect(result).toEqual({ ok: true, statusCode: 204, requests: 3, sentEvents: 57 });
    expect(seen.map((s) => s.body.events.length)).toEqual([25, 25, 7]);
    expect(seen.flatMap((s) => s.body.events.map((e) => e.params?.source))).toEqual(events.map((e) => e.source));
    const clientId = await sha256Hex('u-57');
    for (const s of seen) expect([s.body.client_id, s.body.consent]).toEqual([clientId, { ad_user_data: 'GRANTED', ad_personalization: 'DENIED' }]);
  });

  it('a failing batch stops the rest and says how many events Google already has', async () => {
    let calls = 0;
    server.use(
      http.post('https://www.google-analytics.com/mp/collect', () =>
        ++calls === 2 ? new HttpResponse('busy', { status: 503, headers: { 'retry-after': '20' } }) : new HttpResponse(null, { status: 204 }),
      ),
    );
    const events: ChatbotEvent[] = Array.from({ length: 60 }, () => ({ name: 'generate_lead' }));
    const result = await sendChatbotEvents(fetcher, o, { botUserId: 'u', consent: granted, events });
    expect(result).toMatchObject({ ok: false, retryable: true, statusCode: 503, retryAfterSeconds: 20, sentEvents: 25 });
    expect(calls).toBe(2);
  });

  it('the EU endpoint when configured', async () => {
    const seen = collect(GA4_EU_ENDPOINT);
    const result = await sendChatbotEvents(
      fetcher,
      { ...o, endpoint: GA4_EU_ENDPOINT },
      { botUserId: 'u', consent: granted, events: [{ name: 'book_meeting' }] },
    );
    expect(result).toMatchObject({ ok: true, requests: 1 });
    expect(seen[0]!.url.href).toBe('https://region1.google-analytics.com/mp/collect?measurement_id=G-LEADGATE1&api_secret=mp-secret-Xy12');
  });
});

const CYCLE = ['chatbot_conversation_start', 'generate_lead', 'book_meeting', 'consultant_handoff'] as const;

describe('GA4 validation, as /debug/mp/collect applies it', () => {
  const valid: MeasurementPayload = { client_id: 'a1b2', events: [{ name: 'generate_lead', params: { source: 'fb' } }] };
  const now = Date.parse('2026-12-01T12:00:00Z');

  it('a valid payload has no messages', () => {
    expect(validateMeasurement(valid, now)).toEqual([]);
  });

  it('event names: start with a letter, letters/digits/underscores, at most 40, not reserved', () => {
    const names = [
      '_badEventName',
      '9lives',
      'has space',
      'lead-form',
      'x'.repeat(41),
      'session_start',
      'user_engagement',
      'google_lead',
      'ga_lead',
      'firebase_x',
    ];
    const messages = validateMeasurement({ client_id: 'c', events: names.map((name) => ({ name })) }, now);
    expect(messages).toEqual([
      {
        fieldPath: 'events',
        validationCode: 'NAME_INVALID',
        description: 'Event at index [0] has invalid name [_badEventName]. Names must start with a letter.',
      },
      { fieldPath: 'events', validationCode: 'NAME_INVALID', description: 'Event at index [1] has invalid name [9lives]. Names must start with a letter.' },
      {
        fieldPath: 'events',
        validationCode: 'NAME_INVALID',
        description: 'Event at index [2] has invalid name [has space]. Names may contain only letters, digits and underscores.',
      },
      {
        fieldPath: 'events',
        validationCode: 'NAME_INVALID',
        description: 'Event at index [3] has invalid name [lead-form]. Names may contain only letters, digits and underscores.',
      },
      {
        fieldPath: 'events',
        validationCode: 'VALUE_OUT_OF_BOUNDS',
        description: `Event at index [4] has invalid name [${'x'.repeat(41)}]. Names can be at most 40 characters long.`,
      },
      {
        fieldPath: 'events',
        validationCode: 'NAME_RESERVED',
        description: 'Event at index [5] has reserved name [session_start]. The name is reserved by Google Analytics.',
      },
      {
        fieldPath: 'events',
        validationCode: 'NAME_RESERVED',
        description: 'Event at index [6] has reserved name [user_engagement]. The name is reserved by Google Analytics.',
      },
      ...[7, 8, 9].map((i) => ({
        fieldPath: 'events',
        validationCode: 'NAME_RESERVED',
        description: `Event at index [${i}] has reserved name [${names[i]}]. Names cannot start with google_, ga_, firebase_.`,
      })),
    ]);
    expect(validateMeasurement({ client_id: 'c', events: [{ name: 'x'.repeat(40) }] }, now)).toEqual([]);
  });

  it('params: at most 25, names like event names and not reserved, values at most 100 characters', () => {
    const params = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`p${i}`, 'v']));
    expect(validateMeasurement({ client_id: 'c', events: [{ name: 'generate_lead', params }] }, now)).toEqual([
      { fieldPath: 'events.params', validationCode: 'EXCEEDED_MAX_ENTITIES', description: 'Event at index [0] has 26 params; at most 25 are allowed.' },
    ]);
    const messages = validateMeasurement(
      {
        client_id: 'c',
        events: [{ name: 'generate_lead', params: { ga_source: 'x', firebase_conversion: 1, ok: 'y'.repeat(100), long: 'z'.repeat(101), nested: { a: 1 } } }],
      },
      now,
    );
    expect(messages.map((m) => [m.validationCode, m.description])).toEqual([
      ['NAME_RESERVED', 'Event at index [0], param [ga_source] has a reserved name. Names cannot start with google_, ga_, firebase_.'],
      ['NAME_RESERVED', 'Event at index [0], param [firebase_conversion] has a reserved name. The name is reserved by Google Analytics.'],
      ['VALUE_OUT_OF_BOUNDS', 'Event at index [0], param [long] has a value of 101 characters; at most 100 are allowed.'],
      ['VALUE_INVALID', 'Event at index [0], param [nested] must be a string or a number.'],
    ]);
  });

  it('client_id required, at most 25 events, user properties limited, backdating at most 72 hours', () => {
    expect(validateMeasurement({ client_id: '', events: [] }, now)).toEqual([
      { fieldPath: 'client_id', validationCode: 'VALUE_REQUIRED', description: 'A client_id is required for a web stream.' },
      { fieldPath: 'events', validationCode: 'VALUE_REQUIRED', description: 'At least one event is required.' },
    ]);
    expect(validateMeasurement({ client_id: 'c', events: Array.from({ length: 26 }, () => ({ name: 'generate_lead' })) }, now)).toEqual([
      { fieldPath: 'events', validationCode: 'EXCEEDED_MAX_ENTITIES', description: 'A request can carry at most 25 events; this one has 26.' },
    ]);
    const properties = validateMeasurement(
      { ...valid, user_properties: { first_open_time: { value: 1 }, customer_tier_for_the_chatbot: { value: 'x' }, tier: { value: 'y'.repeat(37) } } },
      now,
    );
    expect(properties.map((m) => [m.fieldPath, m.validationCode])).toEqual([
      ['user_properties', 'NAME_RESERVED'],
      ['user_properties', 'VALUE_OUT_OF_BOUNDS'],
      ['user_properties', 'VALUE_OUT_OF_BOUNDS'],
    ]);
    expect(properties[1]!.description).toBe('User property [customer_tier_for_the_chatbot] has an invalid name. Names can be at most 24 characters long.');
    expect(validateMeasurement({ ...valid, timestamp_micros: (now - 73 * 3600_000) * 1000 }, now)).toMatchObject([
      { fieldPath: 'timestamp_micros', validationCode: 'VALUE_OUT_OF_BOUNDS' },
    ]);
    expect(validateMeasurement({ ...valid, timestamp_micros: (now - 71 * 3600_000) * 1000 }, now)).toEqual([]);
  });

  it('the sender refuses an invalid payload without a request, with the messages', async () => {
    const seen = collect();
    const result = await sendMeasurement(
      fetcher,
      o,
      { client_id: 'c', events: [{ name: 'ga_lead' }, { name: 'generate_lead', params: { source: 's'.repeat(101) } }] },
      { analytics: true },
    );
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(result.ok === false && 'validationMessages' in result && result.validationMessages.map((m) => m.validationCode)).toEqual([
      'NAME_RESERVED',
      'VALUE_OUT_OF_BOUNDS',
    ]);
    expect(seen).toHaveLength(0);
  });

  it("Google's own validation server: /debug/mp/collect and its validationMessages", async () => {
    let body: unknown;
    server.use(
      http.post('https://www.google-analytics.com/debug/mp/collect', async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({
          validationMessages: [
            {
              fieldPath: 'events',
              description: 'Event at index: [0] has invalid name [_badEventName]. Names must start with an alphabetic character.',
              validationCode: 'NAME_INVALID',
            },
          ],
        });
      }),
    );
    const payload = { client_id: 'c', events: [{ name: '_badEventName' }] };
    expect(await debugMeasurement(fetcher, o, payload)).toEqual({
      ok: true,
      validationMessages: [
        {
          fieldPath: 'events',
          description: 'Event at index: [0] has invalid name [_badEventName]. Names must start with an alphabetic character.',
          validationCode: 'NAME_INVALID',
        },
      ],
    });
    expect(body).toEqual(payload);
    // The local rules agree with Google's verdict on the same payload.
    expect(validateMeasurement(payload).map((m) => [m.fieldPath, m.validationCode])).toEqual([['events', 'NAME_INVALID']]);
  });
});
