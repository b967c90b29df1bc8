import { z } from '@hono/zod-openapi';
import { ERROR_CODES } from '../errors';

export const ProblemSchema = z
  .object({
    type: z
      .string()
      .openapi({ description: 'A URI naming the kind of problem (stable; one per `code`).', example: 'https://leadgate.dev/problems/validation-failed' }),
    title: z.string().openapi({ description: 'A short human summary of the kind of problem.', example: 'Some fields are invalid' }),
    status: z.number().int().openapi({ description: 'The HTTP status, repeated.', example: 422 }),
    code: z.enum(ERROR_CODES).openapi({ description: 'Stable machine-readable error code.', example: 'validation_failed' }),
    detail: z
      .string()
      .optional()
      .openapi({ description: 'What is wrong with this request, in words a person can act on.', example: 'email: must be a valid email address' }),
    instance: z.string().openapi({ description: 'The path that was called.', example: '/api/v1/leads' }),
    request_id: z
      .string()
      .openapi({ description: 'Quote this when reporting a problem (also the `x-request-id` header).', example: '5b7c0e4e-0d7a-4c43-9f7e-3d1c8a9b2f10' }),
    errors: z
      .array(
        z.object({
          field: z.string().openapi({ description: 'Dotted path of the field (empty for the body itself).', example: 'email' }),
          code: z
            .string()
            .openapi({ description: 'What kind of mistake: required, invalid_format, unknown_field, too_big, invalid_characters…', example: 'invalid_format' }),
          message: z.string().openapi({ description: 'The mistake in words, ready to show next to the field.', example: 'must be a valid email address' }),
        }),
      )
      .optional()
      .openapi({ description: 'One entry per invalid field.' }),
  })
  .openapi('Problem', { description: 'RFC 9457 problem details: the one error envelope of the API.' });

/** The OpenAPI response object of a problem+json answer. */
export const problemResponseDoc = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });
