import { sql } from 'drizzle-orm';
import type { Sealed } from '../crypto/seal';
import type { Database } from './client';

/**
 * The look-ups that happen before a request knows its workspace: a site key, a webhook path's slug, an
 * API key's prefix, and the list the cron sweep walks. The app role cannot read across workspaces, so
 * each is a SECURITY DEFINER function (migration 0008) that returns only what it is for.
 */
export interface WorkspaceRecord {
  id: string;
  slug: string;
  name: string;
  /** Public: the site sends it with each request. */
  siteKey: string;
  settings: Record<string, unknown>;
  secrets: Sealed | null;
  updatedAt: string;
}

export interface ApiKeyRecord {
  id: string;
  workspaceId: string;
  name: string;
  hash: string;
  scopes: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
}

type WorkspaceRow = {
  id: string;
  slug: string;
  name: string;
  site_key: string;
  settings: Record<string, unknown>;
  secrets: Sealed | null;
  updated_at: string | Date;
};

const record = (r: WorkspaceRow): WorkspaceRecord => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  siteKey: r.site_key,
  settings: r.settings ?? {},
  secrets: r.secrets,
  updatedAt: new Date(r.updated_at).toISOString(),
});

export async function workspaceBySiteKey(db: Database, siteKey: string): Promise<WorkspaceRecord | null> {
  const { rows } = await db.execute<WorkspaceRow>(sql`select * from leadgate_workspace_by_site_key(${siteKey})`);
  return rows[0] ? record(rows[0]) : null;
}

export async function workspaceBySlug(db: Database, slug: string): Promise<WorkspaceRecord | null> {
  const { rows } = await db.execute<WorkspaceRow>(sql`select * from leadgate_workspace_by_slug(${slug})`);
  return rows[0] ? record(rows[0]) : null;
}

export async function workspaceById(db: Database, id: string): Promise<WorkspaceRecord | null> {
  const { rows } = await db.execute<WorkspaceRow>(sql`select * from leadgate_workspace_by_id(${id}::uuid)`);
  return rows[0] ? record(rows[0]) : null;
}

/** Every workspace, oldest first (the default one first). */
export async function listWorkspaces(db: Database): Promise<WorkspaceRecord[]> {
  const { rows } = await db.execute<WorkspaceRow>(sql`select * from leadgate_workspace_list()`);
  return rows.map(record);
}

export async function apiKeyByPrefix(db: Database, prefix: string): Promise<ApiKeyRecord | null> {
  const { rows } = await db.execute<{
    id: string;
    workspace_id: string;
    name: string;
    hash: string;
    scopes: string[];
    expires_at: string | null;
    revoked_at: string | null;
  }>(sql`select * from leadgate_api_key_by_prefix(${prefix})`);
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    name: r.name,
    hash: r.hash,
    scopes: r.scopes,
    expiresAt: r.expires_at ? new Date(r.expires_at) : null,
    revokedAt: r.revoked_at ? new Date(r.revoked_at) : null,
  };
}

/** Records that a key was used (at most once a minute per key, so a busy dashboard is not a write per call). */
export async function touchApiKey(db: Database, id: string): Promise<void> {
  await db.execute(sql`select leadgate_api_key_used(${id}::uuid)`);
}
