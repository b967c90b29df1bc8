import { sql } from 'drizzle-orm';
import { type Config, ConfigError, loadConfig } from '../config';
import { type StoredSettings, workspaceConfig } from '../config/workspace';
import { type Sealed, unseal } from '../crypto/seal';
import type { Database } from '../db/client';
import { listWorkspaces, type WorkspaceRecord, workspaceById, workspaceBySiteKey, workspaceBySlug } from '../db/directory';
import { DEFAULT_WORKSPACE_ID } from '../domain/workspace';
import { describeError, logger } from '../logger';

/** A site served by this deployment, with its configuration (the env, and what it stored laid over it). */
export interface Workspace {
  id: string;
  slug: string;
  name: string;
  siteKey: string;
  isDefault: boolean;
  config: Config;
}

type Lookup = { id: string } | { siteKey: string } | { slug: string };

interface Entry {
  workspace: Workspace | null;
  loadedAt: number;
  /** The cache generation it was read in: forgetWorkspaces() makes every older entry stale. */
  generation: number;
}

/**
 * Workspaces are read through a cache per isolate (WORKSPACE_CACHE_SECONDS), so a warm worker finds a
 * site key, a webhook path or a key's workspace without a database round trip; a settings change made
 * here is seen at once, elsewhere within the cache time. When Postgres cannot be reached, a worker keeps
 * using what it read last; the default workspace, never read yet, is the env alone, which is what a
 * single-site deployment configured.
 */
const caches = new WeakMap<object, Map<string, Entry>>();
let generation = 0;

const cacheKey = (by: Lookup) => ('id' in by ? `id:${by.id}` : 'siteKey' in by ? `key:${by.siteKey}` : `slug:${by.slug}`);

function cacheOf(env: Env): Map<string, Entry> {
  const cache = caches.get(env) ?? new Map<string, Entry>();
  caches.set(env, cache);
  return cache;
}

/** The cache time; a bad WORKSPACE_CACHE_SECONDS must not take every route down with it (30 s then). */
function cacheMs(env: Env): number {
  try {
    return loadConfig(env).workspaces.cacheSeconds * 1000;
  } catch {
    return 30_000;
  }
}

/** Whether the Worker's database role bypasses row-level security (then it must serve the default workspace only). */
const bypassing = new WeakMap<object, boolean>();
async function roleBypassesRls(env: Env, db: Database): Promise<boolean> {
  const known = bypassing.get(env);
  if (known !== undefined) return known;
  const { rows } = await db.execute<{ bypass: boolean }>(sql`select rolsuper or rolbypassrls as bypass from pg_roles where rolname = current_user`);
  const bypass = rows[0]?.bypass ?? true;
  bypassing.set(env, bypass);
  if (bypass) logger.error('workspace.role_bypasses_rls', { note: 'DATABASE_URL must connect as leadgate_app to serve more than one workspace' });
  return bypass;
}

/** Forgets every workspace this isolate read (after a settings change, or a new key). */
export function forgetWorkspaces(): void {
  generation++;
}

/** A workspace's provider secrets, unsealed; a value that does not open breaks only the workspaces feature (503, logged). */
export async function openSecrets(config: Config, record: { id: string; slug: string; secrets: unknown }): Promise<Record<string, unknown>> {
  if (!record.secrets) return {};
  const key = config.workspaces.encryptionKey;
  if (!key) throw new ConfigError('workspaces', ['SETTINGS_ENCRYPTION_KEY is required to open the secrets a workspace stored']);
  try {
    return (await unseal(key, record.id, record.secrets as Sealed)) as Record<string, unknown>;
  } catch {
    // Another key than the one they were sealed with, or a sealed value moved from another workspace.
    throw new ConfigError('workspaces', [`the secrets stored for workspace ${record.slug} do not open with SETTINGS_ENCRYPTION_KEY`]);
  }
}

export async function workspaceFrom(env: Env, record: WorkspaceRecord): Promise<Workspace> {
  const stored: StoredSettings = { settings: record.settings, secrets: await openSecrets(loadConfig(env), record) };
  return {
    id: record.id,
    slug: record.slug,
    name: record.name,
    siteKey: record.siteKey,
    isDefault: record.id === DEFAULT_WORKSPACE_ID,
    config: workspaceConfig(env, record.id, stored),
  };
}

/** The default workspace as the env alone describes it: what serves requests before Postgres was ever read. */
function envOnlyDefault(env: Env): Workspace {
  return { id: DEFAULT_WORKSPACE_ID, slug: 'default', name: 'Default', siteKey: '', isDefault: true, config: loadConfig(env) };
}

/** The workspace a site key, slug or id names, or null when there is none. */
export async function findWorkspace(env: Env, db: Database, by: Lookup, now = Date.now()): Promise<Workspace | null> {
  const cache = cacheOf(env);
  const key = cacheKey(by);
  const hit = cache.get(key);
  const ttlMs = cacheMs(env);
  if (hit && now - hit.loadedAt < ttlMs && hit.generation === generation) return hit.workspace;
  const startedIn = generation;
  try {
    const record =
      'id' in by ? await workspaceById(db, by.id) : 'siteKey' in by ? await workspaceBySiteKey(db, by.siteKey) : await workspaceBySlug(db, by.slug);
    const workspace = record ? await workspaceFrom(env, record) : null;
    // Isolation is Postgres's row-level security: with a role that bypasses it, every workspace would see
    // every other's rows. Such a deployment keeps serving its default workspace, and no other.
    if (workspace && !workspace.isDefault && (await roleBypassesRls(env, db)))
      throw new ConfigError('workspaces', [
        'DATABASE_URL connects as a role that bypasses row-level security; connect as leadgate_app to serve more than one workspace',
      ]);
    if (startedIn === generation) {
      // Slugs and keys come from outside: a flood of made-up ones must not grow the cache without bound,
      // nor flush what real sites use (the oldest entry goes, one at a time).
      if (cache.size >= 1000) cache.delete(cache.keys().next().value!);
      cache.set(key, { workspace, loadedAt: now, generation: startedIn });
    }
    return workspace;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    if (hit) {
      logger.warn('workspace.stale', { error: describeError(err) });
      return hit.workspace;
    }
    if ('id' in by && by.id === DEFAULT_WORKSPACE_ID) {
      logger.warn('workspace.default_from_env', { error: describeError(err) });
      return envOnlyDefault(env);
    }
    throw err;
  }
}

/** The default workspace: requests without a site key, the original webhook paths, the bootstrap keys. */
export async function defaultWorkspace(env: Env, db: Database): Promise<Workspace> {
  return (await findWorkspace(env, db, { id: DEFAULT_WORKSPACE_ID })) ?? envOnlyDefault(env);
}

let listed: { at: number; generation: number; workspaces: Workspace[] } | undefined;

/** Every workspace (the cron sweep walks them; CORS allows the origins of them all). */
export async function allWorkspaces(env: Env, db: Database, now = Date.now()): Promise<Workspace[]> {
  const ttlMs = cacheMs(env);
  if (listed && listed.generation === generation && now - listed.at < ttlMs) return listed.workspaces;
  const startedIn = generation;
  try {
    // One workspace whose secrets do not open must not take the others down with it: it is left out (and logged).
    const opened = await Promise.all(
      (await listWorkspaces(db)).map((r) =>
        workspaceFrom(env, r).catch((err: unknown) => {
          if (!(err instanceof ConfigError)) throw err;
          logger.error('workspace.unusable', { workspace: r.slug, problems: err.problems });
          return null;
        }),
      ),
    );
    const workspaces = opened.filter((w): w is Workspace => w !== null);
    if (startedIn === generation) listed = { at: now, generation: startedIn, workspaces };
    return workspaces;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    logger.warn('workspace.list_unavailable', { error: describeError(err) });
    return listed?.workspaces ?? [envOnlyDefault(env)];
  }
}

/** The origins of every site served here (CORS). A workspace whose settings do not parse adds none. */
export async function servedOrigins(env: Env, db: Database): Promise<ReadonlySet<string>> {
  const origins = new Set<string>();
  for (const workspace of await allWorkspaces(env, db)) {
    try {
      for (const origin of workspace.config.core.corsOrigins) origins.add(origin);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
    }
  }
  return origins;
}
