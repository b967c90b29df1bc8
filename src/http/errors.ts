import type { Context } from 'hono';

/**
 * One error type, one list of codes, one code→status table and one envelope (RFC 9457 problem+json).
 * Callers see a stable code, a human title, field errors and the request id; never internal detail.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  validation_failed: 422,
  malformed_json: 400,
  invalid_encoding: 400,
  captcha_failed: 403,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  link_expired: 410,
  conflict: 409,
  idempotency_key_reused: 422,
  request_in_progress: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  captcha_unavailable: 503,
  service_unavailable: 503,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

const TITLES: Record<ErrorCode, string> = {
  bad_request: 'The request could not be understood',
  validation_failed: 'Some fields are invalid',
  malformed_json: 'The body is not valid JSON',
  invalid_encoding: 'The body is not valid UTF-8',
  captcha_failed: 'The captcha check failed',
  unauthorized: 'Not authenticated',
  forbidden: 'Not allowed',
  not_found: 'Not found',
  link_expired: 'This link has expired',
  conflict: 'Conflict',
  idempotency_key_reused: 'This Idempotency-Key was used with a different request',
  request_in_progress: 'A request with this Idempotency-Key is still being processed',
  payload_too_large: 'The body is too large',
  unsupported_media_type: 'Unsupported content type',
  rate_limited: 'Too many requests',
  captcha_unavailable: 'The captcha service is unavailable, please retry shortly',
  service_unavailable: 'Temporarily unavailable, please retry shortly',
  internal_error: 'Something went wrong on our side',
};

export interface FieldError {
  /** Dotted path of the offending field, e.g. `utm.source`; empty for the body itself. */
  field: string;
  code: string;
  message: string;
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly detail?: string;
  readonly fieldErrors?: FieldError[];
  readonly headers?: Record<string, string>;
  readonly extra?: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    opts: { detail?: string; fieldErrors?: FieldError[]; headers?: Record<string, string>; extra?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(opts.detail ?? TITLES[code], { cause: opts.cause });
    this.name = 'ApiError';
    this.code = code;
    this.detail = opts.detail;
    this.fieldErrors = opts.fieldErrors;
    this.headers = opts.headers;
    this.extra = opts.extra;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function problemBody(code: ErrorCode, requestId: string, instance: string, e?: ApiError) {
  return {
    type: `https://leadgate.dev/problems/${code.replaceAll('_', '-')}`,
    title: TITLES[code],
    status: ERROR_STATUS[code],
    code,
    ...(e?.detail ? { detail: e.detail } : {}),
    instance,
    request_id: requestId,
    ...(e?.fieldErrors?.length ? { errors: e.fieldErrors } : {}),
    ...(e?.extra ?? {}),
  };
}

export function problemResponse(c: Context, err: ApiError): Response {
  const requestId = (c.get('requestId') as string | undefined) ?? 'unknown';
  const body = problemBody(err.code, requestId, new URL(c.req.url).pathname, err);
  return new Response(JSON.stringify(body), {
    status: err.status,
    headers: { 'content-type': 'application/problem+json', ...(err.headers ?? {}) },
  });
}
