/** What a verifier sees of an inbound webhook: exactly what arrived, before any parsing. */
export interface InboundWebhook {
  method: string;
  /** The full URL as requested (HubSpot and monday.com sign or address it). */
  url: string;
  headers: Headers;
  /** The body byte for byte as received: never decoded before it is verified (a BOM, invalid UTF-8 and all). */
  rawBody: Uint8Array;
}

/**
 * The verdict. `deliveryId` is the provider's id of this delivery (what makes a retry recognisable);
 * `reason` is for the log and the `webhook_events` row, never for the caller.
 */
export type Verification = { ok: true; deliveryId: string } | { ok: false; reason: RejectionReason };

export type RejectionReason =
  | 'not_configured'
  | 'missing_header'
  | 'malformed_header'
  | 'timestamp_outside_window'
  | 'bad_signature'
  | 'bad_credentials'
  | 'invalid_token'
  | 'token_expired'
  | 'wrong_audience';

export const reject = (reason: RejectionReason): Verification => ({ ok: false, reason });
