import type { Context, MiddlewareHandler } from 'hono';
import { grants, type Scope, WORKSPACE_SLUG } from '../../domain/workspace';
import { logger } from '../../logger';
import { authenticate } from '../../services/api-keys';
import { ServiceError } from '../../services/errors';
import { defaultWorkspace, findWorkspace, type Workspace } from '../../services/workspaces';
import type { AppEnv } from '../types';

/**
 * How a request finds its workspace, one middleware per kind of caller (declared by defineRoute):
 * an API key names it (apiKeyAuth), a public request sends the site's key (siteWorkspace), a signed link
 * carries it (linkWorkspace), a webhook has it in its path (pathWorkspace). Each then makes the
 * workspace's configuration the request's.
 */
function enter(c: Context<AppEnv>, workspace: Workspace): void {
  c.set('workspace', workspace);
  c.set('config', workspace.config);
}

const siteKeyError = (message: string, code = 'invalid') =>
  new ServiceError('validation_failed', { detail: `site_key: ${message}`, fieldErrors: [{ field: 'site_key', code, message }] });

/**
 * `Authorization: Bearer <key>`: the key's workspace becomes the request's, its name the actor. A
 * missing, unknown, revoked or expired key is 401; a key without `scope` (or `admin`) is 403.
 */
export function apiKeyAuth(scope: Scope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    const db = c.var.database.db;
    const result = match ? await authenticate(db, c.var.config.admin, match[1]!) : ({ ok: false, reason: 'missing' } as const);
    if (!result.ok) {
      logger.warn('admin.unauthorized', { request_id: c.var.requestId, path: c.req.path, reason: result.reason });
      throw new ServiceError('unauthorized', {
        detail: result.reason === 'missing' ? 'Send an API key as Authorization: Bearer <key>.' : 'This API key is not valid (unknown, revoked or expired).',
      });
    }
    const { caller } = result;
    if (!grants(caller.scopes, scope)) {
      logger.warn('admin.forbidden', { request_id: c.var.requestId, actor: caller.name, path: c.req.path, scope });
      throw new ServiceError('forbidden', { detail: `This API key does not have the ${scope} scope.`, extra: { required_scope: scope } });
    }
    const workspace = await findWorkspace(c.env, db, { id: caller.workspaceId });
    if (!workspace) throw new ServiceError('unauthorized', { detail: 'This API key is not valid (unknown, revoked or expired).' });
    enter(c, workspace);
    c.set('actor', caller.name);
    c.set('scopes', caller.scopes);
    logger.info('admin.request', {
      request_id: c.var.requestId,
      actor: caller.name,
      key_id: caller.keyId,
      workspace: workspace.slug,
      method: c.req.method,
      path: c.req.path,
    });
    return next();
  };
}

/** An API key when an Authorization header is sent (as apiKeyAuth), otherwise nothing: the request is public. */
export function keyIfSent(scope: Scope): MiddlewareHandler<AppEnv> {
  const auth = apiKeyAuth(scope);
  return (c, next) => (c.req.header('authorization') === undefined ? next() : auth(c, next));
}

/**
 * A public request: the site key from `X-Site-Key`, the body's `site_key` or the query's `site_key`
 * (taken out of the body before it is validated). No key: the default workspace, unless the deployment
 * requires keys. An unknown key, two keys that differ, or an Origin the key's site does not list is
 * refused, and nothing is stored.
 */
export function siteWorkspace(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // A route open to keys and the public, called with a key: the key named the workspace already.
    if (c.var.scopes) return next();
    const offered = [c.req.header('x-site-key'), c.req.query('site_key'), await takeBodySiteKey(c)].filter((k): k is string => k !== undefined);
    const keys = [...new Set(offered)];
    if (keys.length > 1) throw siteKeyError('was sent twice with different values', 'conflict');
    const db = c.var.database.db;
    let workspace: Workspace;
    if (keys.length === 0) {
      if (c.var.config.workspaces.requireSiteKey) throw siteKeyError('is required (send X-Site-Key)', 'required');
      workspace = await defaultWorkspace(c.env, db);
    } else {
      const key = keys[0]!;
      const found = /^lg_site_[0-9a-f]{32}$/.test(key) ? await findWorkspace(c.env, db, { siteKey: key }) : null;
      if (!found) throw siteKeyError('is not the key of a site served here', 'unknown');
      workspace = found;
    }
    // A site key used from another site's page: refused. (Without a key, the default workspace answers
    // as it always has; CORS decides what a browser may read.)
    const origin = c.req.header('origin');
    if (keys.length > 0 && origin && origin !== c.var.config.core.publicOrigin && !workspace.config.core.corsOrigins.includes(origin)) {
      logger.warn('site.origin_refused', { request_id: c.var.requestId, workspace: workspace.slug });
      throw new ServiceError('forbidden', { detail: 'This site key does not belong to the page that sent the request.' });
    }
    enter(c, workspace);
    return next();
  };
}

/** `site_key` out of a JSON object body (the route's schema never sees it); a non-string one is refused. */
async function takeBodySiteKey(c: Context<AppEnv>): Promise<string | undefined> {
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || !c.req.header('content-type')) return undefined;
  const value: unknown = await c.req.json().catch(() => undefined);
  if (!value || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, 'site_key')) return undefined;
  const { site_key: key, ...rest } = value as Record<string, unknown>;
  if (typeof key !== 'string') throw siteKeyError('must be a string');
  c.req.json = <T>() => Promise.resolve(rest as T);
  return key;
}

/**
 * A signed link (download, cancel, reschedule): its `ws` parameter names a workspace other than the
 * default one. The link's signature covers the workspace, so the route that checks it refuses, in its
 * own format (a page or problem+json), a link whose `ws` was changed. A `ws` naming no workspace leaves
 * the default one, whose links sign no workspace: another workspace's link fails its check there too.
 */
export function linkWorkspace(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const slug = c.req.query('ws');
    const db = c.var.database.db;
    const named = slug === undefined || !WORKSPACE_SLUG.test(slug) ? null : await findWorkspace(c.env, db, { slug });
    enter(c, named ?? (await defaultWorkspace(c.env, db)));
    return next();
  };
}

/** A webhook: `/workspaces/{workspace}/webhooks/…` names the workspace; the original paths serve the default one. */
export function pathWorkspace(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const slug = c.req.param('workspace');
    const db = c.var.database.db;
    const workspace = slug === undefined ? await defaultWorkspace(c.env, db) : WORKSPACE_SLUG.test(slug) ? await findWorkspace(c.env, db, { slug }) : null;
    if (!workspace) throw new ServiceError('not_found', { detail: 'No such workspace.' });
    enter(c, workspace);
    return next();
  };
}
