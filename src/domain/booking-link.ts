import { base64UrlToBytes, bytesToBase64Url, utf8 } from '../crypto/encoding';
import { linkSignatureMatches, signLink } from '../crypto/hmac';

/**
 * The cancel and reschedule links in a demo invite carry a token: the booking id, its host and the
 * action (base64url JSON), and its signature (BOOKING_LINK_SECRET). Whoever holds the email may act on
 * the booking; nobody can forge a token for another booking or turn a cancel link into a reschedule one.
 */
export type BookingAction = 'cancel' | 'reschedule';

export interface BookingLinkClaims {
  booking_id: string;
  host_id: string;
  action: BookingAction;
  /** Outside the default workspace: the booking's workspace (the default one's links are as they always were). */
  workspace_id?: string;
}

export async function signBookingLink(secret: string, claims: BookingLinkClaims): Promise<string> {
  const fields = [claims.booking_id, claims.host_id, claims.action, ...(claims.workspace_id ? [claims.workspace_id] : [])];
  const payload = bytesToBase64Url(utf8(JSON.stringify(fields)));
  return `${payload}.${await signLink(secret, [payload])}`;
}

/** The claims when the token is genuine and made for this booking, action and workspace; otherwise null. */
export async function verifyBookingLink(
  secret: string,
  token: string,
  expected: { bookingId: string; action: BookingAction; workspaceId?: string },
): Promise<BookingLinkClaims | null> {
  const { bookingId, action } = expected;
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return null;
  if (!(await linkSignatureMatches(secret, [payload], signature))) return null;
  const body = base64UrlToBytes(payload);
  if (!body) return null;
  try {
    const [booking_id, host_id, claimed, workspace_id] = JSON.parse(new TextDecoder().decode(body)) as [string, string, BookingAction, string?];
    if (booking_id !== bookingId || claimed !== action || typeof host_id !== 'string' || workspace_id !== expected.workspaceId) return null;
    return { booking_id, host_id, action: claimed, ...(workspace_id ? { workspace_id } : {}) };
  } catch {
    return null;
  }
}
