import { OpenAPIHono } from '@hono/zod-openapi';
import type { ZodError } from 'zod';
import { type FieldError, ServiceError } from '../services/errors';
import type { AppEnv } from './types';

/** zod issues → the envelope's field errors, in words a form can show next to the field. */
export function toFieldErrors(error: ZodError, prefix: string[] = []): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    const path = [...prefix, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...path, key].join('.'), code: 'unknown_field', message: 'is not a known field' }));
    }
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
    return [
      {
        field: path.join('.'),
        code: missing ? 'required' : issue.code === 'invalid_format' ? 'invalid_format' : issue.code,
        message: missing ? 'is required' : issue.message.replace(/^Invalid input: /, ''),
      },
    ];
  });
}

/** A resource router whose validation failures all become the one problem+json envelope. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const fieldErrors = toFieldErrors(result.error as unknown as ZodError);
        throw new ServiceError('validation_failed', {
          detail: fieldErrors.map((f) => (f.field ? `${f.field}: ${f.message}` : f.message)).join('; '),
          fieldErrors,
        });
      }
    },
  });
}
