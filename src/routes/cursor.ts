import { z } from '@hono/zod-openapi';
import { ApiError } from '../http/errors';

/** Cursors are opaque to callers: the last id of a page (UUIDv7, so ordered), base64url-encoded. */
export const encodeCursor = (id: string) => btoa(id).replaceAll('=', '').replaceAll('+', '-').replaceAll('/', '_');

export function decodeCursor(cursor: string): string {
  try {
    const id = atob(cursor.replaceAll('-', '+').replaceAll('_', '/'));
    if (z.uuid().safeParse(id).success) return id;
  } catch {
    // fall through to the field error
  }
  throw new ApiError('validation_failed', {
    detail: 'cursor: is not a cursor this API returned',
    fieldErrors: [{ field: 'cursor', code: 'invalid', message: 'is not a cursor this API returned' }],
  });
}

/** The paging fields every admin list takes. */
export const pageQuery = {
  cursor: z.string().max(200).optional().openapi({ description: 'The `next_cursor` of the previous page.', example: 'MDE5MzZmMGUtOGMyYS03YjNlLTlkNGYtNWE2YjdjOGQ5ZTBm' }),
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: 'Page size (1–200).', example: 50 }),
};
