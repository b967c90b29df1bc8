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
