/**
 * One deployment can serve several sites, each a workspace. A fresh install is one workspace, this one:
 * requests without a site key, the existing webhook paths and the configuration key belong to it.
 */
export const DEFAULT_WORKSPACE_ID = '4c9f6b1e-5d1a-4f2b-9e3c-000000000001';

/** Slugs name workspaces in webhook paths and on the command line. */
export const WORKSPACE_SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** What a workspace-scoped key (and an API key's scopes) may do. `admin` may do everything. */
export const SCOPES = ['leads:read', 'leads:write', 'pipeline:write', 'sales:write', 'deliveries:replay', 'settings:write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export function grants(held: readonly string[], needed: Scope): boolean {
  return held.includes('admin') || held.includes(needed);
}

/**
 * The name of a workspace's Durable Object (limiter shard, demo guard, host scheduler, idempotency
 * key): the default workspace keeps the names objects had before workspaces, so their state carries on.
 */
export function workspaceObjectName(workspaceId: string, name: string): string {
  return workspaceId === DEFAULT_WORKSPACE_ID ? name : `${workspaceId}/${name}`;
}

/** What a signed link names as its workspace: nothing for the default one, so its links stay as they were. */
export function signedWorkspace(workspaceId: string): string | undefined {
  return workspaceId === DEFAULT_WORKSPACE_ID ? undefined : workspaceId;
}
