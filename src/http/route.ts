import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { Scope } from '../domain/workspace';
import { botAuth } from './middleware/bot';
import { jsonBodyGuard, rawBodyGuard, urlGuard } from './middleware/request-guards';
import { apiKeyAuth, keyIfSent, linkWorkspace, pathWorkspace, siteWorkspace } from './middleware/workspace';
import { problemResponseDoc } from './schemas/problem';
import type { AppEnv } from './types';

/**
 * Who may call a route, and so how it finds its workspace:
 * - `public`: anyone, for the site whose key it sends (X-Site-Key or `site_key`; none = the default site);
 * - `link`: whoever holds a link Leadgate signed (its `ws` parameter names the workspace);
 * - `webhook`: a provider that signs its raw body (verified by the route; the workspace is in the path);
 * - `bot`: a chatbot platform with its shared token (header or `?token=`); the workspace is in the path,
 *   and the body (JSON or form) is read raw by the route, which answers in the bot's own format;
 * - `{ scope }`: an API key holding that scope (or `admin`); the key's workspace;
 * - `{ scope, orPublic: true }`: either — with an Authorization header as a key, without as the public.
 */
export type Access = 'public' | 'link' | 'webhook' | 'bot' | { scope: Scope; orPublic?: true };

type Route = Omit<RouteConfig, 'middleware' | 'security'>;

/**
 * The one way a route is declared. Beside `createRoute` it wires, in this order, authentication, the
 * query/path guard, the body guard (so nothing reads a body its caller may not send) and the
 * workspace, and documents every error those steps can answer, so the OpenAPI responses are what the
 * code really does. The route's own `responses` come last and win.
 */
export function defineRoute<const R extends Route>(access: Access, route: R) {
  const hasBody = !!route.request?.body;
  const keyed = typeof access === 'object';
  const orPublic = keyed && access.orPublic === true;
  const isPublic = access === 'public' || orPublic;
  const middleware: MiddlewareHandler<AppEnv>[] = [];
  if (keyed) middleware.push(orPublic ? keyIfSent(access.scope) : apiKeyAuth(access.scope));
  middleware.push(urlGuard());
  if (access === 'webhook') middleware.push(pathWorkspace(), rawBodyGuard());
  else if (access === 'bot') middleware.push(pathWorkspace(), botAuth(), ...(route.method === 'post' ? [rawBodyGuard()] : []));
  else if (hasBody) middleware.push(jsonBodyGuard());
  if (isPublic) middleware.push(siteWorkspace());
  if (access === 'link') middleware.push(linkWorkspace());

  const generated = {
    ...(hasBody ? { 400: problemResponseDoc('Malformed JSON, or a body that is not UTF-8.') } : {}),
    ...(access === 'bot' && route.method === 'post' ? { 400: problemResponseDoc('The body is neither a JSON object nor URL-encoded attributes.') } : {}),
    ...(keyed ? { 401: problemResponseDoc('Missing, unknown, revoked or expired API key.') } : {}),
    ...(access === 'bot' ? { 401: problemResponseDoc('Missing or wrong bot token.') } : {}),
    ...(keyed ? { 403: problemResponseDoc(`The API key does not have the \`${access.scope}\` scope.`) } : {}),
    ...(isPublic && !keyed ? { 403: problemResponseDoc("The request's Origin is not one of the site's (the site key belongs to another site).") } : {}),
    ...(access === 'webhook' || access === 'bot' ? { 404: problemResponseDoc('No such workspace.') } : {}),
    ...(hasBody || access === 'webhook' || (access === 'bot' && route.method === 'post')
      ? { 413: problemResponseDoc('The body is larger than the limit.') }
      : {}),
    ...(hasBody || access === 'webhook' ? { 415: problemResponseDoc('The body is not application/json, or it has a Content-Encoding.') } : {}),
    422: problemResponseDoc(
      isPublic
        ? 'Invalid parameters or fields (see `errors`), or an unknown site key; nothing was stored.'
        : 'Invalid parameters or fields (see `errors`); nothing was stored.',
    ),
    500: problemResponseDoc('Something went wrong on our side; nothing about the request is wrong. Quote the request id.'),
    503: problemResponseDoc('A feature this needs is not configured, or Postgres cannot be reached right now; nothing was stored. See Retry-After.'),
  };
  const scopeNote = orPublic
    ? `\n\nWith an API key, it requires the \`${access.scope}\` scope (or \`admin\`).`
    : keyed
      ? `\n\nRequires an API key with the \`${access.scope}\` scope (or \`admin\`).`
      : '';
  const documented: Pick<RouteConfig, 'description' | 'security'> = {
    description: `${route.description ?? ''}${scopeNote}`.trim() || undefined,
    security: orPublic
      ? [{}, { SiteKey: [] }, { ApiKey: [access.scope] }]
      : keyed
        ? [{ ApiKey: [access.scope] }]
        : access === 'public'
          ? [{}, { SiteKey: [] }]
          : undefined,
  };
  return createRoute({
    ...route,
    ...documented,
    middleware,
    responses: { ...generated, ...route.responses } as typeof generated & R['responses'],
  });
}
