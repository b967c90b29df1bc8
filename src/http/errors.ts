import type { Context } from 'hono';
import { ERROR_CODES, type ErrorCode, type ServiceError } from '../services/errors';

/**
 * The edge's half of the one error type: each code's status and title, and the one envelope (RFC 9457
 * problem+json) with the request id. Callers see a stable code, a title, field errors and the request
 * id; never internal detail.
 */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  malformed_json: 400,
  invalid_encoding: 400,
  validation_failed: 422,
  idempotency_key_reused: 422,
  unauthorized: 401,
  forbidden: 403,
  captcha_failed: 403,
  not_found: 404,
  conflict: 409,
  request_in_progress: 409,
  precondition_failed: 412,
  precondition_required: 428,
  link_expired: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  captcha_unavailable: 503,
  service_unavailable: 503,
  internal_error: 500,
};

const TITLES: Record<ErrorCode, string> = {
  bad_request: 'The request could not be understood',
  malformed_json: 'The body is not valid JSON',
  invalid_encoding: 'The body is not valid UTF-8',
  validation_failed: 'Some fields are invalid',
  idempotency_key_reused: 'This Idempotency-Key was used with a different request',
  unauthorized: 'Not authenticated',
  forbidden: 'Not allowed',
  captcha_failed: 'The captcha check failed',
  not_found: 'Not found',
  conflict: 'Conflict',
  request_in_progress: 'A request with this Idempotency-Key is still being processed',
  precondition_failed: 'The resource changed since you read it',
  precondition_required: 'Send If-Match with the version you read',
  link_expired: 'This link has expired',
  payload_too_large: 'The body is too large',
  unsupported_media_type: 'Unsupported content type',
  rate_limited: 'Too many requests',
  captcha_unavailable: 'The captcha service is unavailable, please retry shortly',
  service_unavailable: 'Temporarily unavailable, please retry shortly',
  internal_error: 'Something went wrong on our side',
};

export { ERROR_CODES };

export function problemBody(err: ServiceError, requestId: string, instance: string) {
  return {
    type: `https://leadgate.dev/problems/${err.code.replaceAll('_', '-')}`,
    title: TITLES[err.code],
    status: ERROR_STATUS[err.code],
    code: err.code,
    ...(err.detail ? { detail: err.detail } : {}),
    instance,
    request_id: requestId,
    ...(err.fieldErrors?.length ? { errors: err.fieldErrors } : {}),
    ...(err.extra ?? {}),
  };
}

/** The one problem+json response: status from the table, Retry-After when the error says when. */
export function problemResponse(c: Context, err: ServiceError): Response {
  const requestId = (c.get('requestId') as string | undefined) ?? 'unknown';
  const headers: Record<string, string> = { 'content-type': 'application/problem+json', 'x-request-id': requestId };
  if (err.retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(err.retryAfterSeconds)));
  if (err.code === 'unauthorized') headers['www-authenticate'] = 'Bearer realm="leadgate"';
  return new Response(JSON.stringify(problemBody(err, requestId, new URL(c.req.url).pathname)), { status: ERROR_STATUS[err.code], headers });
}
