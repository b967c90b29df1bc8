import { sha256Hex } from '../../../crypto/digest';
import { unstorableReason } from '../../../domain/text';

/** UTF-8 as the Fetch spec decodes it: a leading BOM dropped, invalid bytes become U+FFFD. */
const decoder = new TextDecoder('utf-8');

/** The body as text — only ever after it was verified as bytes. */
export function decodeBody(raw: Uint8Array): string {
  return decoder.decode(raw);
}

/**
 * A delivery id safe to store and index: the provider's own when short and storable, else its hash
 * (Postgres text refuses NUL; an unpaired surrogate would not survive UTF-8).
 */
export async function boundedId(prefix: string, value: string): Promise<string> {
  const storable = value.length <= 200 && !unstorableReason(value);
  return storable ? `${prefix}${value}` : `${prefix}sha256:${await sha256Hex(value.toWellFormed())}`;
}

/** When the provider gives no delivery id, identical bytes are the same delivery (a retry). */
export async function bodyDeliveryId(rawBody: Uint8Array): Promise<string> {
  return `body:${await sha256Hex(rawBody)}`;
}

export function parseJson(raw: string | Uint8Array): unknown {
  try {
    return JSON.parse(typeof raw === 'string' ? raw : decodeBody(raw));
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
