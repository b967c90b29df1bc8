import { describe, expect, it } from 'vitest';
import { classifyTwilioError } from '../../src/domain/sms';
import { parseTwilioStatusCallback, twilioSignature, twilioSignedContent, verifyTwilioSignature } from '../../src/integrations/sms/twilio-signature';

// Twilio's documented example (security docs; TwilioDevEd/api-snippets, twilio-go request_validator_test.go).
const AUTH_TOKEN = '12345';
const URL_ = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS: Array<[string, string]> = [
  ['CallSid', 'CA1234567890ABCDE'],
  ['Caller', '+14158675309'],
  ['Digits', '1234'],
  ['From', '+14158675309'],
  ['To', '+18005551212'],
];
const SIGNATURE = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';

const formPost = (url: string, params: Array<[string, string]>, signature?: string) => ({
  method: 'POST',
  url,
  headers: new Headers({ 'content-type': 'application/x-www-form-urlencoded', ...(signature ? { 'x-twilio-signature': signature } : {}) }),
  rawBody: new TextEncoder().encode(new URLSearchParams(params).toString()),
});

describe('X-Twilio-Signature: signing', () => {
  it('signs the URL followed by the parameters sorted by name, name then value', () => {
    // The order given is not the order signed.
    const shuffled: Array<[string, string]> = [PARAMS[3]!, PARAMS[0]!, PARAMS[4]!, PARAMS[2]!, PARAMS[1]!];
    expect(twilioSignedContent(URL_, shuffled)).toBe(
      'https://mycompany.com/myapp.php?foo=1&bar=2CallSidCA1234567890ABCDECaller+14158675309Digits1234From+14158675309To+18005551212',
    );
  });

  it("reproduces Twilio's documented signature", async () => {
    expect(await twilioSignature(AUTH_TOKEN, URL_, PARAMS)).toBe(SIGNATURE);
  });

  it('sorts a name before the longer names it begins (twilio-go vector: Reason < ReasonConferenceEnded)', async () => {
    const more: Array<[string, string]> = [...PARAMS, ['ReasonConferenceEnded', 'test'], ['Reason', 'Participant']];
    expect(await twilioSignature(AUTH_TOKEN, URL_, more)).toBe('vOEb5UThFn24KEfnOFLQY2AE5FY=');
  });
});

describe('X-Twilio-Signature: verifying the raw request', () => {
  const verify = (req: ReturnType<typeof formPost>, authToken: string | undefined = AUTH_TOKEN) => verifyTwilioSignature(req, { authToken });

  it('accepts the documented example as a form POST (+ encoded as %2B on the wire)', async () => {
    expect((await verify(formPost(URL_, PARAMS, SIGNATURE))).ok).toBe(true);
  });

  it('refuses one changed byte in a value, a name, the URL or the signature', async () => {
    const changedValue = PARAMS.map(([n, v]): [string, string] => [n, n === 'Digits' ? '1235' : v]);
    expect(await verify(formPost(URL_, changedValue, SIGNATURE))).toEqual({ ok: false, reason: 'bad_signature' });
    const changedName = PARAMS.map(([n, v]): [string, string] => [n === 'Digits' ? 'Digitz' : n, v]);
    expect(await verify(formPost(URL_, changedName, SIGNATURE))).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await verify(formPost(URL_.replace('bar=2', 'bar=3'), PARAMS, SIGNATURE))).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await verify(formPost(URL_, PARAMS, 'RSOYDt4T1cUTdK1PDd93/VVr8B4='))).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await verify(formPost(URL_, [...PARAMS, ['Extra', '1']], SIGNATURE))).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await verify(formPost(URL_, PARAMS, SIGNATURE), '12346')).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('accepts the URL with or without the default port, and without a custom one (twilio-go vectors)', async () => {
    // Signed over https://mycompany.com:443/…, received as https://mycompany.com/….
    expect((await verify(formPost(URL_, PARAMS, 'kvajT1Ptam85bY51eRf/AJRuM3w='))).ok).toBe(true);
    // Signed without the port, received on :1234.
    expect((await verify(formPost(URL_.replace('.com', '.com:1234'), PARAMS, SIGNATURE))).ok).toBe(true);
    // http, signed with the port it was received on.
    expect((await verify(formPost('http://mycompany.com:1234/myapp.php?foo=1&bar=2', PARAMS, 'Zmvh+3yNM1Phv2jhDCwEM3q5ebU='))).ok).toBe(true);
  });

  it('a JSON body is signed through bodySHA256 in the URL (twilio-go vector)', async () => {
    const body = '{"property": "value", "boolean": true}';
    const url = `${URL_}&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620`;
    const req = (b: string) => ({
      method: 'POST',
      url,
      headers: new Headers({ 'content-type': 'application/json', 'x-twilio-signature': 'a9nBmqA0ju/hNViExpshrM61xv4=' }),
      rawBody: new TextEncoder().encode(b),
    });
    expect((await verify(req(body))).ok).toBe(true);
    expect(await verify(req(body.replace('true', 'false')))).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a missing or malformed header and an unconfigured token', async () => {
    expect(await verify(formPost(URL_, PARAMS))).toEqual({ ok: false, reason: 'missing_header' });
    expect(await verify(formPost(URL_, PARAMS, 'not base64!'))).toEqual({ ok: false, reason: 'malformed_header' });
    expect(await verify(formPost(URL_, PARAMS, 'AAAA'))).toEqual({ ok: false, reason: 'malformed_header' });
    // Same bytes in base64's spare bits (…8B8= and …8B9= decode alike), but not the text Twilio sent.
    expect(await verify(formPost(URL_, PARAMS, 'RSOYDt4T1cUTdK1PDd93/VVr8B9='))).toEqual({ ok: false, reason: 'malformed_header' });
    expect(await verify(formPost(URL_, PARAMS, SIGNATURE), '')).toEqual({ ok: false, reason: 'not_configured' });
  });
});

describe('status callbacks', () => {
  const sid = 'SM0123456789abcdef0123456789abcdef';
  const callback: Array<[string, string]> = [
    ['MessageSid', sid],
    ['SmsSid', sid],
    ['AccountSid', 'ACtest0000000000000000000000000000'],
    ['MessageStatus', 'undelivered'],
    ['SmsStatus', 'undelivered'],
    ['ErrorCode', '30006'],
    ['To', '+48501234567'],
    ['From', '+15005550006'],
    ['ApiVersion', '2010-04-01'],
  ];
  const url = 'https://api.example.com/v1/sms/twilio/status';

  it('a signed callback is identified by its message and status (a retry repeats both)', async () => {
    const req = formPost(url, callback, await twilioSignature(AUTH_TOKEN, url, callback));
    expect(await verifyTwilioSignature(req, { authToken: AUTH_TOKEN })).toEqual({ ok: true, deliveryId: `message:${sid}:undelivered` });
  });

  it('parses the fields Leadgate reads, with ErrorCode as a number; the error says what to do with the number', () => {
    const parsed = parseTwilioStatusCallback(new URLSearchParams(callback).toString());
    expect(parsed).toEqual({
      ok: true,
      callback: {
        MessageSid: sid,
        MessageStatus: 'undelivered',
        ErrorCode: 30006,
        To: '+48501234567',
        From: '+15005550006',
        AccountSid: 'ACtest0000000000000000000000000000',
      },
    });
    if (parsed.ok) expect(classifyTwilioError({ code: parsed.callback.ErrorCode })).toBe('invalid_number');
  });

  it('takes each documented status; an absent or empty ErrorCode is no error', () => {
    for (const status of ['queued', 'sent', 'delivered', 'undelivered', 'failed']) {
      const parsed = parseTwilioStatusCallback(`MessageSid=${sid}&MessageStatus=${status}&To=%2B48501234567&ErrorCode=`);
      expect(parsed.ok && parsed.callback.MessageStatus, status).toBe(status);
      expect(parsed.ok && parsed.callback.ErrorCode, status).toBeUndefined();
    }
  });

  it('refuses what is not a status callback', () => {
    expect(parseTwilioStatusCallback(`MessageStatus=delivered&To=%2B48501234567`)).toEqual({ ok: false, issues: [expect.stringMatching(/^MessageSid: /)] });
    expect(parseTwilioStatusCallback(`MessageSid=${sid}&MessageStatus=exploded&To=%2B48501234567`).ok).toBe(false);
    expect(parseTwilioStatusCallback(`MessageSid=CA123&MessageStatus=sent&To=%2B48501234567`).ok).toBe(false);
    expect(parseTwilioStatusCallback(`MessageSid=${sid}&MessageStatus=failed&To=%2B48501234567&ErrorCode=abc`).ok).toBe(false);
  });
});
