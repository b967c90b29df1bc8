import { describe, expect, it } from 'vitest';
import { derSignatureToRaw, parseSendgridEvents, verifySendgridEvents } from '../../src/integrations/webhooks/verify/sendgrid-events';

const SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
const TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';
const encode = (text: string) => new TextEncoder().encode(text);

const request = (rawBody: Uint8Array, headers: Record<string, string>) => ({
  method: 'POST',
  url: 'https://api.example.com/v1/email/sendgrid/events',
  headers: new Headers(headers),
  rawBody,
});

// sendgrid/sendgrid-nodejs packages/eventwebhook/src/eventwebhook.spec.js
const A = {
  publicKey: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==',
  signature: 'MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=',
  timestamp: '1588788367',
  payload: '{"category":"example_payload","event":"test_event","message_id":"message_id"}',
};
// sendgrid/sendgrid-python test/unit/test_eventwebhook.py: a real dropped event, the body ending in CRLF.
const B = {
  publicKey: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==',
  signature: 'MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM=',
  timestamp: '1600112502',
  payload:
    '[{"email":"hello@world.com","event":"dropped","reason":"Bounced Address","sg_event_id":"ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA","sg_message_id":"LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0","smtp-id":"<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>","timestamp":1600112492}]\r\n',
};
type Vector = typeof A;

const verify = (v: Vector, change: { payload?: Uint8Array; signature?: string; timestamp?: string; publicKey?: string; at?: number } = {}) =>
  verifySendgridEvents(
    request(change.payload ?? encode(v.payload), { [SIGNATURE_HEADER]: change.signature ?? v.signature, [TIMESTAMP_HEADER]: change.timestamp ?? v.timestamp }),
    { publicKey: change.publicKey ?? v.publicKey, toleranceSeconds: 300 },
    new Date((change.at ?? Number(v.timestamp) + 60) * 1000),
  );

/** The payload with one byte changed (its last bit flipped). */
function oneByteChanged(text: string, index: number): Uint8Array {
  const bytes = encode(text);
  bytes[index] = bytes[index]! ^ 0x01;
  return bytes;
}

describe('SendGrid Event Webhook signature: published test vectors', () => {
  it('accepts vector A (sendgrid-nodejs)', async () => {
    expect((await verify(A)).ok).toBe(true);
  });

  it('refuses vector A with any one byte of the payload changed', async () => {
    for (const index of [0, 20, A.payload.length - 1])
      expect(await verify(A, { payload: oneByteChanged(A.payload, index) }), String(index)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it("refuses the library's negative cases: a tampered signature, another key, another payload, a bad timestamp", async () => {
    const tampered = 'MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH3j/0=';
    const otherKey = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqTxd43gyp8IOEto2LdIfjRQrIbsd4SXZkLW6jDutdhXSJCWHw8REntlo7aNDthvj+y7GjUuFDb/R1NGe1OPzpA==';
    expect(await verify(A, { signature: tampered })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await verify(A, { publicKey: otherKey })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await verify(A, { payload: encode('payload') })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await verify(A, { timestamp: 'timestamp' })).toEqual({ ok: false, reason: 'malformed_header' });
    // The timestamp is signed too: one more second is another message.
    expect(await verify(A, { timestamp: '1588788368' })).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('accepts vector B byte for byte, trailing CRLF included, and names the batch by its event ids', async () => {
    expect(await verify(B)).toEqual({ ok: true, deliveryId: 'events:ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA' });
    expect(await verify(B, { payload: encode(B.payload.trimEnd()) })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await verify(B, { payload: oneByteChanged(B.payload, B.payload.indexOf('dropped')) })).toEqual({ ok: false, reason: 'bad_signature' });
  });
});

describe('SendGrid Event Webhook signature: the checks around it', () => {
  it('refuses a timestamp outside the tolerance, either way', async () => {
    expect(await verify(A, { at: Number(A.timestamp) + 301 })).toEqual({ ok: false, reason: 'timestamp_outside_window' });
    expect(await verify(A, { at: Number(A.timestamp) - 301 })).toEqual({ ok: false, reason: 'timestamp_outside_window' });
    expect((await verify(A, { at: Number(A.timestamp) - 299 })).ok).toBe(true);
  });

  it('refuses missing headers, a signature that is not DER in canonical base64, and a key that is not P-256', async () => {
    const noHeaders = verifySendgridEvents(request(encode(A.payload), {}), { publicKey: A.publicKey, toleranceSeconds: 300 }, new Date());
    expect(await noHeaders).toEqual({ ok: false, reason: 'missing_header' });
    expect(await verify(A, { signature: 'not base64!' })).toEqual({ ok: false, reason: 'malformed_header' });
    expect(await verify(A, { signature: btoa('x'.repeat(64)) })).toEqual({ ok: false, reason: 'malformed_header' });
    // Same bytes (…j/0= and …j/1= differ only in base64's spare bits), another spelling.
    expect(await verify(A, { signature: A.signature.replace('j/0=', 'j/1=') })).toEqual({ ok: false, reason: 'malformed_header' });
    expect(await verify(A, { publicKey: '' })).toEqual({ ok: false, reason: 'not_configured' });
    expect(await verify(A, { publicKey: btoa('not a key') })).toEqual({ ok: false, reason: 'not_configured' });
  });

  it('verifies a fresh signature whose r is shorter than 32 bytes (left-padded, not shifted)', async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const publicKey = btoa(String.fromCharCode(...new Uint8Array((await crypto.subtle.exportKey('spki', pair.publicKey)) as ArrayBuffer)));
    const timestamp = '1767225600';
    const payload = '[{"email":"ola@example.pl","event":"delivered","sg_event_id":"ZGVsaXZlcmVk","sg_message_id":"abc.def","timestamp":1767225590}]';
    // About one signature in 512 has an r that DER writes in fewer than 32 bytes: sign until one does.
    const short = (r: Uint8Array) => r[0] === 0 && r[1]! < 0x80;
    let raw = new Uint8Array(64).fill(1);
    for (let attempt = 0; attempt < 20_000 && !short(raw); attempt++) {
      raw = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, encode(timestamp + payload)));
    }
    const der = toDer(raw);
    expect(der[3]).toBeLessThan(32);
    const result = await verifySendgridEvents(
      request(encode(payload), { [SIGNATURE_HEADER]: btoa(String.fromCharCode(...der)), [TIMESTAMP_HEADER]: timestamp }),
      { publicKey, toleranceSeconds: 300 },
      new Date(Number(timestamp) * 1000),
    );
    expect(result).toEqual({ ok: true, deliveryId: 'events:ZGVsaXZlcmVk' });
  });
});

/** r‖s → DER, as SendGrid's signer writes it: minimal integers, a zero byte before a high bit. */
function toDer(raw: Uint8Array): Uint8Array {
  const integer = (half: Uint8Array) => {
    let at = 0;
    while (at < half.length - 1 && half[at] === 0) at++;
    const bytes = half[at]! & 0x80 ? [0, ...half.subarray(at)] : [...half.subarray(at)];
    return [0x02, bytes.length, ...bytes];
  };
  const body = [...integer(raw.subarray(0, 32)), ...integer(raw.subarray(32))];
  return Uint8Array.from([0x30, body.length, ...body]);
}

describe('DER → r‖s', () => {
  it('strips DER’s sign byte and left-pads each integer to 32 bytes', () => {
    const raw = derSignatureToRaw(Uint8Array.from([0x30, 0x07, 0x02, 0x01, 0x05, 0x02, 0x02, 0x00, 0x80]));
    expect(raw).toHaveLength(64);
    expect(raw![31]).toBe(0x05);
    expect(raw![63]).toBe(0x80);
    expect([...raw!.subarray(0, 31), ...raw!.subarray(32, 63)].every((b) => b === 0)).toBe(true);
  });

  it('refuses what is not a minimal P-256 signature', () => {
    const ok = [0x30, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x07];
    expect(derSignatureToRaw(Uint8Array.from(ok))).not.toBeNull();
    expect(derSignatureToRaw(Uint8Array.from([...ok, 0x00]))).toBeNull(); // trailing byte
    expect(derSignatureToRaw(Uint8Array.from([0x31, ...ok.slice(1)]))).toBeNull(); // not a SEQUENCE
    expect(derSignatureToRaw(Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x85, 0x02, 0x01, 0x07]))).toBeNull(); // negative r
    expect(derSignatureToRaw(Uint8Array.from([0x30, 0x81, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x07]))).toBeNull(); // long-form length
    const wide = [0x02, 0x21, 0x01, ...new Array(32).fill(0x11)];
    expect(derSignatureToRaw(Uint8Array.from([0x30, wide.length + 3, ...wide, 0x02, 0x01, 0x07]))).toBeNull(); // r wider than 32 bytes
  });
});

describe('SendGrid events', () => {
  it('parses the events of vector B; the X-Message-Id is the part before the first dot', () => {
    expect(parseSendgridEvents(encode(B.payload))).toEqual({
      ok: true,
      skipped: 0,
      events: [
        {
          email: 'hello@world.com',
          event: 'dropped',
          reason: 'Bounced Address',
          sg_event_id: 'ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA',
          sg_message_id: 'LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0',
          messageId: 'LRzXl_NHStOGhQ4kofSm_A',
          timestamp: 1600112492,
        },
      ],
    });
  });

  it('reads each kind of event, and counts what it cannot read instead of refusing the batch', () => {
    const kinds = [
      'processed',
      'delivered',
      'deferred',
      'bounce',
      'dropped',
      'open',
      'click',
      'spamreport',
      'unsubscribe',
      'group_unsubscribe',
      'group_resubscribe',
    ];
    const events = kinds.map((event, n) => ({ email: 'a@example.com', timestamp: 1700000000 + n, event, sg_event_id: `e${n}`, sg_message_id: `m${n}.x` }));
    const body = JSON.stringify([...events, { ...events[0], event: 'machine_opened' }, { event: 'open', email: 'a@example.com', timestamp: 1 }]);
    const parsed = parseSendgridEvents(body);
    expect(parsed.ok && parsed.events.map((e) => e.event)).toEqual(kinds);
    expect(parsed.ok && parsed.skipped).toBe(2);
  });

  it('refuses a body that is not a JSON array', () => {
    expect(parseSendgridEvents(encode(A.payload))).toEqual({ ok: false });
    expect(parseSendgridEvents('not json')).toEqual({ ok: false });
  });
});
