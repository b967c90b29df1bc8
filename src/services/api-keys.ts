import { and, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Config } from '../config';
import { sha256 } from '../crypto/digest';
import { hexToBytes } from '../crypto/encoding';
import { secretsEqual } from '../crypto/hmac';
import type { Database } from '../db/client';
import { apiKeyByPrefix, touchApiKey } from '../db/directory';
import { keysetPage, type Page } from '../db/paging';
import { type ApiKeyRow, apiKeys } from '../db/schema';
import { DEFAULT_WORKSPACE_ID, type Scope } from '../domain/workspace';
import { describeError, logger } from '../logger';
import type { ServiceContext } from './context';
import { ServiceError } from './errors';

/** Who a key is: its name (the actor in logs and the audit trail), its workspace and what it may do. */
export interface Caller {
  keyId: string | null;
  name: string;
  workspaceId: string;
  scopes: readonly string[];
}

export type Authentication = { ok: true; caller: Caller } | { ok: false; reason: 'unknown' | 'revoked' | 'expired' };

/** `lg_` + 12 hex characters: the part of a key that finds it (and is shown in lists). */
const KEY_FORMAT = /^(lg_[0-9a-f]{12})_[0-9a-f]{64}$/;

/**
 * The configuration's bootstrap keys (ADMIN_API_KEY, and the named SHA-256 entries of
 * ADMIN_API_KEY_HASHES): every entry is compared, each in constant time, so timing says nothing about
 * which one (or how much of one) matched.
 */
async function bootstrapCaller(presented: string, admin: Config['admin']): Promise<Caller | null> {
  const hash = await sha256(presented);
  let name: string | null = admin.bootstrapKey && (await secretsEqual(presented, admin.bootstrapKey)) ? 'admin' : null;
  for (const key of admin.namedKeyHashes) {
    if (crypto.subtle.timingSafeEqual(hash, hexToBytes(key.hash)) && !name) name = key.name;
  }
  return name ? { keyId: null, name, workspaceId: DEFAULT_WORKSPACE_ID, scopes: ['admin'] } : null;
}

/**
 * The caller a presented key stands for. A stored key is found by its prefix and its SHA-256 compared
 * in constant time; revoked and expired keys are refused like unknown ones (the reason is only logged).
 */
export async function authenticate(db: Database, admin: Config['admin'], presented: string, now = new Date()): Promise<Authentication> {
  const match = KEY_FORMAT.exec(presented);
  if (!match) {
    const caller = await bootstrapCaller(presented, admin);
    return caller ? { ok: true, caller } : { ok: false, reason: 'unknown' };
  }
  const [record, hash] = await Promise.all([apiKeyByPrefix(db, match[1]!), sha256(presented)]);
  if (!record || !crypto.subtle.timingSafeEqual(hash, hexToBytes(record.hash))) return { ok: false, reason: 'unknown' };
  if (record.revokedAt) return { ok: false, reason: 'revoked' };
  if (record.expiresAt && record.expiresAt <= now) return { ok: false, reason: 'expired' };
  await touchApiKey(db, record.id).catch((err: unknown) => logger.warn('api_key.touch_failed', { error: describeError(err) }));
  return { ok: true, caller: { keyId: record.id, name: record.name, workspaceId: record.workspaceId, scopes: record.scopes } };
}

export interface NewApiKey {
  name: string;
  scopes: Scope[];
  expiresAt?: Date;
}

/** Makes a key in the caller's workspace. The key itself is in this answer only; Postgres keeps its hash. */
export async function createApiKey({ ctx, input }: { ctx: ServiceContext; input: NewApiKey }): Promise<{ row: ApiKeyRow; key: string }> {
  return ctx.inWorkspace(async (db) => {
    const issued = await db.execute<{ id: string; key: string }>(
      sql`select id, key from leadgate_issue_api_key(${ctx.workspace.id}::uuid, ${input.name}, ${sql.param(input.scopes)}::text[], ${input.expiresAt?.toISOString() ?? null}::timestamptz)`,
    );
    const made = issued.rows[0]!;
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, made.id));
    logger.info('api_key.created', { request_id: ctx.requestId, actor: ctx.actor, key_id: made.id, scopes: input.scopes });
    return { row: row!, key: made.key };
  });
}

export async function listApiKeys({ ctx, input }: { ctx: ServiceContext; input: { after?: string; limit: number } }): Promise<Page<ApiKeyRow>> {
  const rows = await ctx.inWorkspace((db) =>
    db
      .select()
      .from(apiKeys)
      .where(input.after ? lt(apiKeys.id, input.after) : undefined)
      .orderBy(desc(apiKeys.id))
      .limit(input.limit + 1),
  );
  return keysetPage(rows, input.limit);
}

export async function getApiKey({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<ApiKeyRow> {
  const [row] = await ctx.inWorkspace((db) => db.select().from(apiKeys).where(eq(apiKeys.id, input.id)).limit(1));
  if (!row) throw new ServiceError('not_found', { detail: 'No API key with this id in this workspace.' });
  return row;
}

/** Revokes a key at once (a second revoke keeps the first time). */
export async function revokeApiKey({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<ApiKeyRow> {
  return ctx.inWorkspace(async (db) => {
    const [revoked] = await db
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiKeys.id, input.id), isNull(apiKeys.revokedAt)))
      .returning();
    if (revoked) {
      logger.info('api_key.revoked', { request_id: ctx.requestId, actor: ctx.actor, key_id: revoked.id });
      return revoked;
    }
    const [existing] = await db.select().from(apiKeys).where(eq(apiKeys.id, input.id)).limit(1);
    if (!existing) throw new ServiceError('not_found', { detail: 'No API key with this id in this workspace.' });
    return existing;
  });
}
