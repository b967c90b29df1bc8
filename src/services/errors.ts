/**
 * The one error a business verb raises when it refuses: a stable code from one list, words a person
 * can act on, field errors, and when to retry. It knows nothing of HTTP: the edge maps each code to a
 * status once (src/http/errors.ts); a queue consumer or a Durable Object reads the code itself.
 */
export const ERROR_CODES = [
  'bad_request',
  'malformed_json',
  'invalid_encoding',
  'validation_failed',
  'idempotency_key_reused',
  'unauthorized',
  'forbidden',
  'captcha_failed',
  'not_found',
  'conflict',
  'request_in_progress',
  'precondition_failed',
  'precondition_required',
  'link_expired',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'captcha_unavailable',
  'service_unavailable',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldError {
  /** Dotted path of the offending field, e.g. `utm.source`; empty for the body itself. */
  field: string;
  code: string;
  message: string;
}

export interface ServiceErrorOptions {
  detail?: string;
  fieldErrors?: FieldError[];
  /** When trying again may succeed (a limit's window, a provider's outage). */
  retryAfterSeconds?: number;
  /** Machine-readable facts beside the envelope, e.g. `reason` and `nearest_slots` of a taken slot. */
  extra?: Record<string, unknown>;
  cause?: unknown;
}

export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  readonly code: ErrorCode;
  readonly detail?: string;
  readonly fieldErrors?: FieldError[];
  readonly retryAfterSeconds?: number;
  readonly extra?: Record<string, unknown>;

  constructor(code: ErrorCode, opts: ServiceErrorOptions = {}) {
    super(opts.detail ?? code, { cause: opts.cause });
    this.code = code;
    this.detail = opts.detail;
    this.fieldErrors = opts.fieldErrors;
    this.retryAfterSeconds = opts.retryAfterSeconds;
    this.extra = opts.extra;
  }
}

/** A 422 about one field: the common case of a verb that checks what the schema could not. */
export function invalidField(field: string, code: string, message: string): ServiceError {
  return new ServiceError('validation_failed', { detail: `${field}: ${message}`, fieldErrors: [{ field, code, message }] });
}
