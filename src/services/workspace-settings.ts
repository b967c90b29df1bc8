import { eq, sql } from 'drizzle-orm';
import { ConfigError } from '../config';
import { PLAIN_SETTINGS, SECRET_SETTINGS, settingsProblems, storedValue } from '../config/workspace';
import { seal } from '../crypto/seal';
import type { Queryable } from '../db/client';
import { workspaces } from '../db/schema';
import { logger } from '../logger';
import type { ServiceContext } from './context';
import { type FieldError, ServiceError } from './errors';
import { forgetWorkspaces, openSecrets } from './workspaces';

/** What a workspace's settings look like through the API: values of plain settings, only the names of secrets. */
export interface SettingsView {
  id: string;
  slug: string;
  name: string;
  siteKey: string;
  settings: Record<string, unknown>;
  secretsSet: string[];
  updatedAt: Date;
}

function encryptionKey(ctx: ServiceContext): string {
  const key = ctx.config.workspaces.encryptionKey;
  if (!key) throw new ConfigError('workspaces', ['SETTINGS_ENCRYPTION_KEY is required to keep secrets in the workspace']);
  return key;
}

async function current(ctx: ServiceContext, db: Queryable, forUpdate: boolean) {
  const query = db.select().from(workspaces).where(eq(workspaces.id, ctx.workspace.id)).limit(1);
  const [row] = await (forUpdate ? query.for('update') : query);
  // Row-level security shows a workspace its own row; not finding it means it was deleted meanwhile.
  if (!row) throw new ServiceError('not_found', { detail: 'This workspace no longer exists.' });
  const secrets = await openSecrets(ctx.config, row);
  return { row, secrets };
}

const view = (row: typeof workspaces.$inferSelect, secrets: Record<string, unknown>): SettingsView => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  siteKey: row.siteKey,
  settings: row.settings,
  secretsSet: Object.keys(secrets).sort(),
  updatedAt: row.updatedAt,
});

export async function readSettings({ ctx }: { ctx: ServiceContext; input?: undefined }): Promise<SettingsView> {
  return ctx.inWorkspace(async (db) => {
    const { row, secrets } = await current(ctx, db, false);
    return view(row, secrets);
  });
}

/** `null` removes a value; the rest are stored as the area that reads them would parse them, or refused with field errors. */
function applyChanges(base: Record<string, unknown>, changes: Record<string, unknown>, allowed: readonly string[], field: (name: string) => string) {
  const next = { ...base };
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(changes)) {
    if (!allowed.includes(name)) {
      errors.push({ field: field(name), code: 'unknown_field', message: 'is not a setting of this kind' });
      continue;
    }
    const stored = storedValue(name, value);
    if (!stored.ok) errors.push({ field: field(name), code: 'invalid', message: stored.message });
    else if (stored.value === null) delete next[name];
    else next[name] = stored.value;
  }
  return { next, errors };
}

function refuse(errors: FieldError[]): never {
  throw new ServiceError('validation_failed', { detail: errors.map((e) => `${e.field}: ${e.message}`).join('; '), fieldErrors: errors.slice(0, 20) });
}

/**
 * Changes some settings (a merge: settings not named keep their value). Each changed area is parsed as
 * the workspace will use it, so a value that would break a feature is refused now, not at 3 a.m.
 */
export async function updateSettings({ ctx, input }: { ctx: ServiceContext; input: { changes: Record<string, unknown> } }): Promise<SettingsView> {
  return save(ctx, input.changes, 'settings');
}

/** Sets or (with null) removes one secret. It is sealed with SETTINGS_ENCRYPTION_KEY and never shown again. */
export async function setSecret({ ctx, input }: { ctx: ServiceContext; input: { name: string; value: unknown } }): Promise<SettingsView> {
  return save(ctx, { [input.name]: input.value }, 'secrets');
}

async function save(ctx: ServiceContext, changes: Record<string, unknown>, kind: 'settings' | 'secrets'): Promise<SettingsView> {
  const saved = await ctx.inWorkspace(async (db) => {
    const { row, secrets } = await current(ctx, db, true);
    const { next, errors } =
      kind === 'settings'
        ? applyChanges(row.settings, changes, PLAIN_SETTINGS, (name) => name)
        : applyChanges(secrets, changes, SECRET_SETTINGS, () => 'value');
    if (errors.length > 0) refuse(errors);
    const stored = kind === 'settings' ? { settings: next, secrets } : { settings: row.settings, secrets: next };
    const problems = settingsProblems(ctx.env, row.id, stored, Object.keys(changes));
    if (problems.length > 0) refuse(problems.map((p) => ({ field: kind === 'settings' ? p.setting : 'value', code: 'invalid', message: p.message })));
    const sealed = Object.keys(stored.secrets).length > 0 ? await seal(encryptionKey(ctx), row.id, stored.secrets) : null;
    const [updated] = await db
      .update(workspaces)
      .set(kind === 'settings' ? { settings: stored.settings, updatedAt: sql`now()` } : { secrets: sealed, updatedAt: sql`now()` })
      .where(eq(workspaces.id, row.id))
      .returning();
    return view(updated!, stored.secrets);
  });
  forgetWorkspaces();
  // Names only: values (and secrets above all) never reach a log.
  logger.info(kind === 'settings' ? 'workspace.settings_changed' : 'workspace.secret_changed', {
    request_id: ctx.requestId,
    actor: ctx.actor,
    workspace: ctx.workspace.slug,
    names: Object.keys(changes),
  });
  return saved;
}
