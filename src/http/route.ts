import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { adminAuth } from './middleware/admin-auth';
import { jsonBodyGuard, rawBodyGuard, urlGuard } from './middleware/request-guards';
import { problemResponseDoc } from './schemas/problem';
import type { AppEnv } from './types';

/**
 * Who may call a route: anyone (`public`), a provider that signs its raw body (`webhook`, verified by
 * the route itself), or the sales team and internal tools with an API key (`admin`).
 */
export type Access = 'public' | 'webhook' | 'admin';

type Route = Omit<RouteConfig, 'middleware' | 'security'>;

/**
 * The one way a route is declared. Beside `createRoute` it wires, in this order, authentication, the
 * query/path guard and the body guard (so nothing reads a body its caller may not send), and documents
 * every error those steps can answer, so the OpenAPI responses are what the code really does.
 * The route's own `responses` come last and win.
 */
export function defineRoute<const R extends Route>(access: Access, route: R) {
  const hasBody = !!route.request?.body;
  const middleware: MiddlewareHandler<AppEnv>[] = [];
  if (access === 'admin') middleware.push(adminAuth());
  middleware.push(urlGuard());
  if (access === 'webhook') middleware.push(rawBodyGuard());
  else if (hasBody) middleware.push(jsonBodyGuard());

  const generated = {
    ...(hasBody ? { 400: problemResponseDoc('Malformed JSON, or a body that is not UTF-8.') } : {}),
    ...(access === 'admin' ? { 401: problemResponseDoc('Missing, unknown or expired API key.') } : {}),
    ...(hasBody || access === 'webhook' ? { 413: problemResponseDoc('The body is larger than the limit.') } : {}),
    ...(hasBody || access === 'webhook' ? { 415: problemResponseDoc('The body is not application/json, or it has a Content-Encoding.') } : {}),
    422: problemResponseDoc('Invalid parameters or fields (see `errors`); nothing was stored.'),
    500: problemResponseDoc('Something went wrong on our side; nothing about the request is wrong. Quote the request id.'),
  };
  return createRoute({
    ...route,
    ...(access === 'admin' ? { security: [{ AdminKey: [] }] } : {}),
    middleware,
    responses: { ...generated, ...route.responses } as typeof generated & R['responses'],
  });
}
