import type { Config } from '../config';
import type { Database, Queryable } from '../db/client';
import { inWorkspace } from '../db/tenant';
import type { ServiceContext, WorkspaceRef } from '../services/context';
import type { Workspace } from '../services/workspaces';

/**
 * The context of work done for a queue batch: acting as the system, for one workspace, inside the
 * transaction the consumer opened for that workspace's messages.
 */
export function consumerContext(
  env: Env,
  config: Config,
  execution: ExecutionContext,
  workspace: WorkspaceRef,
  tx: Queryable,
  requestId = 'queue',
): ServiceContext {
  return { env, config, workspace, requestId, actor: 'system', inWorkspace: (fn) => fn(tx), waitUntil: (p) => execution.waitUntil(p) };
}

/** Work for one workspace that commits step by step (each `inWorkspace` call is a transaction of its own). */
export function workspaceContext(env: Env, workspace: Workspace, db: Database, execution: ExecutionContext, requestId = 'queue'): ServiceContext {
  return {
    env,
    config: workspace.config,
    workspace: { id: workspace.id, slug: workspace.slug },
    requestId,
    actor: 'system',
    inWorkspace: (fn) => inWorkspace(db, workspace.id, fn),
    waitUntil: (p) => execution.waitUntil(p),
  };
}
