import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { effectiveStatusMap, leadStatusFor } from '../../src/domain/crm-status';
import { parseVerifiedBody } from '../../src/integrations/webhooks/payload';
import { signStandardWebhook } from '../../src/integrations/webhooks/standard-signature';
import { extractStatusChanges } from '../../src/integrations/webhooks/status-changes';
import { boundedId } from '../../src/integrations/webhooks/verify/body';
import { hubspotSignedUri, verifyHubspot } from '../../src/integrations/webhooks/verify/hubspot';
import { mondayChallenge, verifyMonday } from '../../src/integrations/webhooks/verify/monday';
import { verifyPipedrive } from '../../src/integrations/webhooks/verify/pipedrive';
import { verifyStandardWebhook } from '../../src/integrations/webhooks/verify/standard-webhooks';
import { mondayToken } from './signing';

const request = (url: string, rawBody: string | Uint8Array, headers: Record<string, string>) => ({
  method: 'POST',
  url,
  rawBody: typeof rawBody === 'string' ? new TextEncoder().encode(rawBody) : rawBody,
  headers: new Headers(headers),
});

describe('Standard Webhooks verifier', () => {
  // The reference example of the Standard Webhooks libraries' test suites.
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const body = '{"test": 2432232314}';
  const headers = {
    'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    'webhook-timestamp': '1614265330',
    'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  };
  const at = new Date(1614265330 * 1000 + 10_000);
  const verify = (h: Record<string, string>, b = body, secrets = [secret], now = at) =>
    verifyStandardWebhook(request('https://x/y', b, h), { secrets, toleranceSeconds: 300 }, now);

  it('accepts the reference example', async () => {
    expect(await verify(headers)).toEqual({ ok: true, deliveryId: 'msg_p5jXN8AQM9LWM0D4loKWxJek' });
  });
  it('signs outbound notifications with the same scheme: the reference example comes out', async () => {
    expect(await signStandardWebhook(secret, headers['webhook-id'], 1614265330, body)).toBe(headers['webhook-signature']);
  });
  it('accepts it among several signatures and several secrets (rotation)', async () => {
    const other = 'whsec_bGVhZGdhdGUtdGVzdC1uZXctc3RhbmRhcmQtd2ViaG9vay1rZXk=';
    const multi = { ...headers, 'webhook-signature': `v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= v1a,zzz ${headers['webhook-signature']}` };
    expect((await verify(multi, body, [other, secret])).ok).toBe(true);
  });
  it('refuses a changed body, another secret, an old timestamp and missing headers', async () => {
    expect(await verify(headers, '{"test": 2432232315}')).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await verify(headers, body, ['whsec_bGVhZGdhdGUtdGVzdC1uZXctc3RhbmRhcmQtd2ViaG9vay1rZXk='])).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await verify(headers, body, [secret], new Date(1614265330 * 1000 + 301_000))).toEqual({ ok: false, reason: 'timestamp_outside_window' });
    expect(await verify({ ...headers, 'webhook-signature': '' })).toEqual({ ok: false, reason: 'missing_header' });
    expect(await verify(headers, body, [])).toEqual({ ok: false, reason: 'not_configured' });
  });
});

describe('HubSpot v3 verifier', () => {
  // Pinned vector: base64(HMAC-SHA256(secret, "POST" + URI with %3A decoded + body + timestamp)).
  const secret = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
  const body =
    '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
  const headers = { 'x-hubspot-signature-v3': 'WWOnX8DhFejMQIjWrDEJ4rVocmK8BaTnPX+iFqqW830=', 'x-hubspot-request-timestamp': '1564113600000' };
  const url = 'https://www.example.com/webhook_uri?name=a%3Ab';
  const verify = (h: Record<string, string>, b = body, now = new Date(1564113600000 + 60_000)) =>
    verifyHubspot(request(url, b, h), { clientSecret: secret, toleranceSeconds: 300 }, now);

  it('decodes the escapes HubSpot decodes before signing', () => {
    expect(hubspotSignedUri('https://x.com/p?a=%3A%2F%3F%40%21%24%27%28%29%2A%2C%3B&b=%20%26')).toBe("https://x.com/p?a=:/?@!$'()*,;&b=%20%26");
  });
  it('accepts the pinned vector; the batch is identified by its event ids', async () => {
    expect(await verify(headers)).toEqual({ ok: true, deliveryId: 'events:1' });
  });
  it('refuses one changed byte, a stale timestamp, a bad header', async () => {
    expect((await verify(headers, body.replace('"objectId":123', '"objectId":124'))).ok).toBe(false);
    expect(await verify(headers, body, new Date(1564113600000 + 301_000))).toEqual({ ok: false, reason: 'timestamp_outside_window' });
    expect(await verify({ ...headers, 'x-hubspot-request-timestamp': 'soon' })).toEqual({ ok: false, reason: 'malformed_header' });
    expect(await verify({ 'x-hubspot-request-timestamp': '1564113600000' })).toEqual({ ok: false, reason: 'missing_header' });
  });
});

describe('Pipedrive verifier', () => {
  const secrets = { user: 'hook', password: 's3cret-pass' };
  const verify = (auth?: string) =>
    verifyPipedrive(request('https://x/y', '{"meta":{"id":"a1b2","version":"2.0"}}', auth ? { authorization: auth } : {}), secrets);
  it('accepts the configured Basic credentials, v2 meta.id is the delivery', async () => {
    expect(await verify(`Basic ${btoa('hook:s3cret-pass')}`)).toEqual({ ok: true, deliveryId: 'v2:a1b2' });
  });
  it('refuses a wrong password, a wrong user and no header', async () => {
    expect(await verify(`Basic ${btoa('hook:s3cret-pasS')}`)).toEqual({ ok: false, reason: 'bad_credentials' });
    expect(await verify(`Basic ${btoa('hooK:s3cret-pass')}`)).toEqual({ ok: false, reason: 'bad_credentials' });
    expect(await verify()).toEqual({ ok: false, reason: 'missing_header' });
  });
});

describe('monday.com verifier', () => {
  const body = '{"event":{"triggerUuid":"e2f0c3d4a5b6","pulseId":1}}';
  const verify = (token: string | undefined, url = 'https://api.example.com/api/v1/webhooks/monday') =>
    verifyMonday(request(url, body, token ? { authorization: token } : {}), { signingSecret: 'test-monday-signing-secret-4e5f6a7b' }, new Date());
  it('answers only a bare challenge', () => {
    expect(mondayChallenge('{"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}')).toBe(
      '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
    );
    expect(mondayChallenge('{"challenge":"x","event":{}}')).toBeNull();
  });
  it('accepts a JWT signed with the signing secret', async () => {
    expect(await verify(await mondayToken({ aud: 'https://api.example.com/api/v1/webhooks/monday' }))).toEqual({
      ok: true,
      deliveryId: 'trigger:e2f0c3d4a5b6',
    });
  });
  it('refuses another secret, an expired token, another audience, none', async () => {
    expect(await verify(await mondayToken({ secret: 'another-secret-entirely' }))).toEqual({ ok: false, reason: 'invalid_token' });
    expect(await verify(await mondayToken({ expiresIn: Math.floor(Date.now() / 1000) - 60 }))).toEqual({ ok: false, reason: 'token_expired' });
    expect(await verify(await mondayToken({ aud: 'https://evil.example.com/hook' }))).toEqual({ ok: false, reason: 'wrong_audience' });
    expect(await verify(undefined)).toEqual({ ok: false, reason: 'missing_header' });
  });
});

describe("reading status changes from the providers' payloads", () => {
  it('HubSpot webhooks API: contact lifecyclestage changes by contact id', () => {
    const batch = [
      {
        eventId: 100,
        subscriptionId: 1,
        portalId: 62515,
        appId: 54321,
        occurredAt: 1,
        subscriptionType: 'contact.propertyChange',
        attemptNumber: 0,
        objectId: 123,
        propertyName: 'lifecyclestage',
        propertyValue: 'customer',
        changeSource: 'CRM_UI',
      },
      {
        eventId: 101,
        subscriptionId: 2,
        portalId: 62515,
        appId: 54321,
        occurredAt: 1,
        subscriptionType: 'contact.propertyChange',
        attemptNumber: 0,
        objectId: 124,
        propertyName: 'firstname',
        propertyValue: 'Jo',
        changeSource: 'CRM_UI',
      },
    ];
    expect(extractStatusChanges('hubspot', batch)).toEqual({ changes: [{ crmId: '123', status: 'customer' }] });
  });
  it('HubSpot workflow webhook: properties as strings or {value}', () => {
    expect(extractStatusChanges('hubspot', { objectId: 9, properties: { email: { value: 'a@b.co' }, lifecyclestage: { value: 'customer' } } })).toEqual({
      changes: [{ email: 'a@b.co', crmId: '9', status: 'customer' }],
    });
    expect(extractStatusChanges('hubspot', { email: 'a@b.co', lifecyclestage: 'opportunity' })).toEqual({
      changes: [{ email: 'a@b.co', crmId: undefined, status: 'opportunity' }],
    });
  });
  it('Pipedrive v2: a deal whose status changed; an unchanged status is nothing', () => {
    const v2 = {
      meta: { action: 'change', entity: 'deal', version: '2.0', id: 'x' },
      data: { id: 1, status: 'won', person_id: 3 },
      previous: { status: 'open' },
    };
    expect(extractStatusChanges('pipedrive', v2)).toEqual({ changes: [{ crmId: '3', status: 'won' }] });
    expect(extractStatusChanges('pipedrive', { ...v2, previous: { title: 'old' } })).toMatchObject({ changes: [] });
  });
  it('the status map ignores case and lets configuration replace a provider', () => {
    const map = effectiveStatusMap({ monday: { Won: 'customer' } });
    expect(leadStatusFor(map, 'monday', 'WON')).toBe('customer');
    expect(leadStatusFor(map, 'monday', 'Lost')).toBeNull();
    expect(leadStatusFor(map, 'pipedrive', 'won')).toBe('customer');
  });
});

describe('verification is over the raw bytes, parsing only after it', () => {
  // A leading UTF-8 BOM, and 0xFF 0xFE (never valid UTF-8) inside a string: decoding would change both.
  const bytes = new Uint8Array([
    0xef,
    0xbb,
    0xbf,
    ...new TextEncoder().encode('{"data":{"note":"a'),
    0xff,
    0xfe,
    ...new TextEncoder().encode('b","status":"customer"}}'),
  ]);
  const reencoded = new TextEncoder().encode(new TextDecoder().decode(bytes));
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const sign = (body: Uint8Array) => {
    const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
    return `v1,${createHmac('sha256', key).update('msg_raw.1614265330.').update(body).digest('base64')}`;
  };
  const verify = (body: Uint8Array, signature: string) =>
    verifyStandardWebhook(
      request('https://x/y', body, { 'webhook-id': 'msg_raw', 'webhook-timestamp': '1614265330', 'webhook-signature': signature }),
      { secrets: [secret], toleranceSeconds: 300 },
      new Date(1614265330 * 1000),
    );

  it('Standard Webhooks: a body with a BOM and invalid UTF-8 verifies against the signature over its bytes', async () => {
    expect(reencoded).not.toEqual(bytes);
    expect(await verify(bytes, sign(bytes))).toEqual({ ok: true, deliveryId: 'msg_raw' });
    // The decoded-and-re-encoded text is not what was signed, and vice versa.
    expect(await verify(reencoded, sign(bytes))).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await verify(bytes, sign(reencoded))).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('HubSpot: the same, and a workflow body without ids is identified by the hash of its bytes', async () => {
    const secret = 'hubspot-raw-secret';
    const url = 'https://www.example.com/hook';
    const timestamp = '1564113600000';
    const signature = createHmac('sha256', secret).update(`POST${url}`).update(bytes).update(timestamp).digest('base64');
    const headers = { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp };
    const verify = (b: Uint8Array) => verifyHubspot(request(url, b, headers), { clientSecret: secret, toleranceSeconds: 300 }, new Date(1564113600000));
    expect(await verify(bytes)).toEqual({ ok: true, deliveryId: `body:${createHash('sha256').update(bytes).digest('hex')}` });
    expect((await verify(reencoded)).ok).toBe(false);
  });

  it('the verified body is parsed after a BOM is dropped; invalid bytes, NUL and unpaired surrogates become U+FFFD', () => {
    expect(parseVerifiedBody(bytes)).toEqual({ ok: true, payload: { data: { note: 'a\uFFFD\uFFFDb', status: 'customer' } }, replaced: 0 });
    const nul = new TextEncoder().encode(String.raw`{"a\u0000":"x\u0000y","s":["\ud800","\udc00z","\ud83d\ude00"],"__proto__":{"n":1}}`);
    const parsed = parseVerifiedBody(nul);
    expect(parsed).toEqual({ ok: true, payload: { 'a\uFFFD': 'x\uFFFDy', s: ['\uFFFD', '\uFFFDz', '\u{1F600}'], ['__proto__']: { n: 1 } }, replaced: 4 });
    expect(JSON.stringify((parsed as { payload: unknown }).payload)).not.toMatch(/\\u0000|\\ud[89a-f]/i);
    expect(Object.getPrototypeOf((parsed as { payload: object }).payload)).toBe(Object.prototype);
  });

  it('an empty body is null; non-JSON and absurd nesting are refused', () => {
    expect(parseVerifiedBody(new Uint8Array())).toEqual({ ok: true, payload: null, replaced: 0 });
    expect(parseVerifiedBody(new TextEncoder().encode('email=a@b.co'))).toEqual({ ok: false, reason: 'malformed_json' });
    expect(parseVerifiedBody(new TextEncoder().encode(`${'['.repeat(100)}${']'.repeat(100)}`))).toEqual({ ok: false, reason: 'too_deep' });
  });

  it('a delivery id Postgres could not store is hashed', async () => {
    expect(await boundedId('events:', 'a\u0000b')).toMatch(/^events:sha256:[0-9a-f]{64}$/);
    expect(await boundedId('events:', '\ud800')).toMatch(/^events:sha256:[0-9a-f]{64}$/);
    expect(await boundedId('events:', '1,2')).toBe('events:1,2');
  });
});
