/**
 * The cancel and reschedule links in a demo invite carry a token: the booking id, its host and the
 * action, signed with HMAC-SHA-256 (BOOKING_LINK_SECRET). Whoever holds the email may act on the
 * booking; nobody can forge a token for another booking or turn a cancel link into a reschedule one.
 */
export type BookingAction = 'cancel' | 'reschedule';

export interface BookingLinkClaims {
  booking_id: string;
  host_id: string;
  action: BookingAction;
}

const encoder = new TextEncoder();

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const bin = atob(text.replaceAll('-', '+').replaceAll('_', '/') + '='.repeat((4 - (text.length % 4)) % 4));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

function hmacKey(secret: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

export async function signBookingLink(secret: string, claims: BookingLinkClaims): Promise<string> {
  const payload = toBase64Url(encoder.encode(JSON.stringify([claims.booking_id, claims.host_id, claims.action])));
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret, 'sign'), encoder.encode(payload)));
  return `${payload}.${toBase64Url(signature)}`;
}

/** The claims when the token is genuine and made for this booking and action; otherwise null. */
export async function verifyBookingLink(secret: string, token: string, bookingId: string, action: BookingAction): Promise<BookingLinkClaims | null> {
  const [payload, sig, extra] = token.split('.');
  if (!payload || !sig || extra !== undefined) return null;
  const signature = fromBase64Url(sig);
  const body = fromBase64Url(payload);
  // Only the canonical spelling: base64's spare low bits would otherwise let one token have several forms.
  if (!signature || !body || toBase64Url(signature) !== sig) return null;
  // crypto.subtle.verify compares in constant time.
  const genuine = await crypto.subtle.verify('HMAC', await hmacKey(secret, 'verify'), signature, encoder.encode(payload));
  if (!genuine) return null;
  try {
    const [booking_id, host_id, claimed] = JSON.parse(new TextDecoder().decode(body)) as [string, string, BookingAction];
    if (booking_id !== bookingId || claimed !== action || typeof host_id !== 'string') return null;
    return { booking_id, host_id, action: claimed };
  } catch {
    return null;
  }
}
