import { z } from '@hono/zod-openapi';
import type { ApiKeyRow } from '../../db/schema';
import { SCOPES } from '../../domain/workspace';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { adminErrors, singleLine } from '../../http/schemas/common';
import { serviceContext } from '../../http/service-context';
import { createApiKey, getApiKey, listApiKeys, revokeApiKey } from '../../services/api-keys';
import { ServiceError } from '../../services/errors';
import { decodeCursor, encodeCursor, pageQuery } from '../cursor';

const ScopeSchema = z.enum(SCOPES).openapi({ description: 'What the key may do (`admin`: everything, including managing keys).', example: 'leads:read' });

const ApiKeySchema = z
  .object({
    id: z.uuid().openapi({ description: 'Key id: GET or DELETE /api/v1/api-keys/{id}.', example: '0b8e0c57-6d7b-4a59-9c5e-7f3a2d1e0b4c' }),
    name: z.string().openapi({ description: 'Who uses it; logged as the actor of every call it makes.', example: 'sales-dashboard' }),
    prefix: z
      .string()
      .openapi({ description: 'The first characters of the key, to recognise it. The key itself is never shown again.', example: 'lg_3f9a0c1b2d4e' }),
    scopes: z.array(ScopeSchema).openapi({ description: 'Scopes it holds.' }),
    expires_at: z.string().nullable().openapi({ description: 'When it stops working; null: never.', example: '2027-06-30T00:00:00.000Z' }),
    revoked_at: z.string().nullable().openapi({ description: 'When it was revoked; null: it works.', example: null }),
    last_used_at: z.string().nullable().openapi({ description: 'Last use, to the minute.', example: '2026-12-01T09:15:00.000Z' }),
    created_at: z.string().openapi({ description: 'When it was made.', example: '2026-12-01T09:00:00.000Z' }),
  })
  .openapi('ApiKey');

const view = (row: ApiKeyRow) => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  scopes: row.scopes as Array<(typeof SCOPES)[number]>,
  expires_at: row.expiresAt?.toISOString() ?? null,
  revoked_at: row.revokedAt?.toISOString() ?? null,
  last_used_at: row.lastUsedAt?.toISOString() ?? null,
  created_at: row.createdAt.toISOString(),
});

const NewKeySchema = z
  .object({
    name: singleLine(64)
      .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'use lower-case letters, digits, ".", "-" and "_"')
      .openapi({ description: 'Who will use the key.', example: 'sales-dashboard' }),
    scopes: z
      .array(ScopeSchema)
      .min(1)
      .max(SCOPES.length)
      .openapi({ description: 'At least one scope.', example: ['leads:read'] }),
    expires_at: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Optional expiry (in the future).', example: '2027-06-30T00:00:00Z' }),
  })
  .strict()
  .openapi('NewApiKey');

const IdParam = z.object({ id: z.uuid().openapi({ description: 'Key id.', example: '0b8e0c57-6d7b-4a59-9c5e-7f3a2d1e0b4c' }) });

const createRoute = defineRoute(
  { scope: 'admin' },
  {
    method: 'post',
    path: '/api-keys',
    tags: ['API keys (admin)'],
    summary: 'Make an API key of this workspace',
    description: 'The answer is the only place the key ever appears: Leadgate keeps its SHA-256.',
    request: { body: { required: true, content: { 'application/json': { schema: NewKeySchema } } } },
    responses: {
      201: {
        description: 'Made. `key` is shown once.',
        headers: z.object({ location: z.string().openapi({ description: 'The key: GET /api/v1/api-keys/{id}.', example: '/api/v1/api-keys/0b8e0c57-…' }) }),
        content: {
          'application/json': {
            schema: ApiKeySchema.extend({
              key: z.string().openapi({ description: 'The key. Store it now: it is not shown again.', example: 'lg_3f9a0c1b2d4e_…' }),
            }).openapi('NewApiKeyAnswer'),
          },
        },
      },
    },
  },
);

const listRoute = defineRoute(
  { scope: 'admin' },
  {
    method: 'get',
    path: '/api-keys',
    tags: ['API keys (admin)'],
    summary: "This workspace's API keys, newest first",
    request: { query: z.object(pageQuery) },
    responses: {
      200: {
        description: 'A page of keys (never the keys themselves).',
        content: {
          'application/json': {
            schema: z
              .object({
                items: z.array(ApiKeySchema).openapi({ description: 'Keys on this page.' }),
                next_cursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null on the last page.', example: null }),
              })
              .openapi('ApiKeyPage'),
          },
        },
      },
    },
  },
);

const getRoute = defineRoute(
  { scope: 'admin' },
  {
    method: 'get',
    path: '/api-keys/{id}',
    tags: ['API keys (admin)'],
    summary: 'One API key',
    request: { params: IdParam },
    responses: { 200: { description: 'The key (never the key itself).', content: { 'application/json': { schema: ApiKeySchema } } }, ...adminErrors },
  },
);

const revokeRoute = defineRoute(
  { scope: 'admin' },
  {
    method: 'delete',
    path: '/api-keys/{id}',
    tags: ['API keys (admin)'],
    summary: 'Revoke an API key',
    description: 'It stops working at once. Revoking again changes nothing.',
    request: { params: IdParam },
    responses: { 200: { description: 'Revoked.', content: { 'application/json': { schema: ApiKeySchema } } }, ...adminErrors },
  },
);

/** Admin (API keys with `admin`): make, list, read and revoke the workspace's keys. */
export const apiKeysRouter = createRouter()
  .openapi(createRoute, async (c) => {
    const body = c.req.valid('json');
    const expiresAt = body.expires_at ? new Date(body.expires_at) : undefined;
    if (expiresAt && expiresAt.getTime() <= Date.now())
      throw new ServiceError('validation_failed', {
        detail: 'expires_at: must be in the future',
        fieldErrors: [{ field: 'expires_at', code: 'too_small', message: 'must be in the future' }],
      });
    const { row, key } = await createApiKey({ ctx: serviceContext(c), input: { name: body.name, scopes: [...new Set(body.scopes)], expiresAt } });
    c.header('location', `/api/v1/api-keys/${row.id}`);
    return c.json({ ...view(row), key }, 201);
  })
  .openapi(listRoute, async (c) => {
    const q = c.req.valid('query');
    const page = await listApiKeys({ ctx: serviceContext(c), input: { after: q.cursor ? decodeCursor(q.cursor) : undefined, limit: q.limit } });
    return c.json({ items: page.items.map(view), next_cursor: page.next ? encodeCursor(page.next) : null }, 200);
  })
  .openapi(getRoute, async (c) => c.json(view(await getApiKey({ ctx: serviceContext(c), input: c.req.valid('param') })), 200))
  .openapi(revokeRoute, async (c) => c.json(view(await revokeApiKey({ ctx: serviceContext(c), input: c.req.valid('param') })), 200));
