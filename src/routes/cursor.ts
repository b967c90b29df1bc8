import { z } from '@hono/zod-openapi';
import { base64UrlToBytes, bytesToBase64Url, utf8 } from '../crypto/encoding';
import { ServiceError } from '../services/errors';

/** Cursors are opaque to callers: the last id of a page (UUIDv7, so ordered), base64url-encoded. */
export const encodeCursor = (id: string) => bytesToBase64Url(utf8(id));

export function decodeCursor(cursor: string): string {
  const bytes = base64UrlToBytes(cursor);
  const id = bytes ? new TextDecoder().decode(bytes) : '';
  if (z.uuid().safeParse(id).success) return id;
  throw new ServiceError('validation_failed', {
    detail: 'cursor: is not a cursor this API returned',
    fieldErrors: [{ field: 'cursor', code: 'invalid', message: 'is not a cursor this API returned' }],
  });
}

/** The paging fields every admin list takes. */
export const pageQuery = {
  cursor: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: 'The `next_cursor` of the previous page.', example: 'MDE5MzZmMGUtOGMyYS03YjNlLTlkNGYtNWE2YjdjOGQ5ZTBm' }),
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: 'Page size (1–200).', example: 50 }),
};
