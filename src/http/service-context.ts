import type { Context } from 'hono';
import { inWorkspace } from '../db/tenant';
import type { ServiceContext } from '../services/context';
import type { AppEnv } from './types';

/** The verbs' context for this request: its workspace, its configuration, its caller. */
export function serviceContext(c: Context<AppEnv>, as: { actor?: string } = {}): ServiceContext {
  const workspace = c.var.workspace;
  // Every route finds its workspace before its handler runs (http/route.ts); a route that did not is a bug.
  if (!workspace) throw new Error(`${c.req.method} ${c.req.path}: no workspace was resolved for this route`);
  const database = c.var.database;
  return {
    env: c.env,
    config: workspace.config,
    workspace: { id: workspace.id, slug: workspace.slug },
    requestId: c.var.requestId,
    actor: as.actor ?? c.var.actor ?? 'public',
    inWorkspace: (fn) => inWorkspace(database.db, workspace.id, fn),
    waitUntil: (p) => c.executionCtx.waitUntil(p),
  };
}

/** The visitor's address as Cloudflare saw it (loopback in local dev). */
export function clientIp(c: Context<AppEnv>): string {
  return c.req.header('cf-connecting-ip') ?? '127.0.0.1';
}
