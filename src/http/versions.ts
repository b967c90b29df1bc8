import type { Context } from 'hono';
import { ServiceError } from '../services/errors';
import type { AppEnv } from './types';

/**
 * The version a write was based on, from `If-Match` (the ETag of the read: `"3"`; `W/"3"` and a bare 3
 * are taken too). Pipeline writes require it: without it a stale screen could overwrite a change it
 * never saw (428); a value that is not a version can match nothing (412).
 */
export function ifMatchVersion(c: Context<AppEnv>): number {
  const header = c.req.header('if-match');
  if (header === undefined) throw new ServiceError('precondition_required', { detail: 'Send If-Match with the version (ETag) you read.' });
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!m) throw new ServiceError('precondition_failed', { detail: 'If-Match must be the ETag of the lead or sale, e.g. "3".' });
  return Number(m[1]);
}

export function setVersionTag(c: Context<AppEnv>, version: number): void {
  c.header('etag', `"${version}"`);
}
