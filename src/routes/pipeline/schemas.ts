import { z } from '@hono/zod-openapi';
import { plainText } from '../../http/schemas/common';
import { problemResponseDoc } from '../../http/schemas/problem';

export const IdParam = (what: string) =>
  z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' }, description: `${what} id.`, example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f' }) });

export const IfMatchHeader = z.object({
  'if-match': z
    .string()
    .max(32)
    .optional()
    .openapi({ description: 'The ETag (version) you read, e.g. "3". Required: a change based on an old read is refused with 412.', example: '"3"' }),
});

export const VersionHeaders = z.object({ etag: z.string().openapi({ description: 'The new version, for the next If-Match.', example: '"4"' }) });

export const NoteSchema = plainText(2000)
  .optional()
  .openapi({ description: 'Why, in a sentence (kept in the audit log).', example: 'Budget confirmed on the call' });

/** What a pipeline write may answer beyond the generated errors. */
export const pipelineWriteErrors = {
  404: problemResponseDoc('No such lead (or sale) in this workspace.'),
  409: problemResponseDoc(
    'Refused by the pipeline rules: `rule` names the rule (`skips`, `backwards`, `terminal`, `gates`…), `failed_gates` every gate that failed. The refusal is in the audit log.',
  ),
  412: problemResponseDoc('If-Match does not match: the lead or sale changed since you read it (`version` is the current one).'),
  428: problemResponseDoc('If-Match is missing.'),
} as const;

/** A write to a versioned record: its id in the path, If-Match, and a JSON body (required unless said otherwise). */
export function versionedWrite<P extends z.ZodObject, B extends z.ZodType>(params: P, body: B, required = true) {
  return { params, headers: IfMatchHeader, body: { required, content: { 'application/json': { schema: body } } } };
}
