import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * The sites one deployment serves. Every tenant-owned row points here; Postgres row-level security
 * (migration 0008) shows a transaction only the rows of the workspace it set with
 * `set_config('app.workspace_id', …, true)`.
 */
export const workspaces = pgTable('workspaces', {
  id: uuid('id').primaryKey(),
  /** Names the workspace in webhook paths (/api/v1/workspaces/{slug}/webhooks/…) and on the command line. */
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  /** Public: the site sends it (X-Site-Key or `site_key`) so its requests land in this workspace. */
  siteKey: text('site_key').notNull().unique(),
  /** Per-site settings (origins, hosts, assets, CRMs…), validated by src/domain/workspace-settings.ts. */
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  /** Provider secrets, sealed with AES-GCM under SETTINGS_ENCRYPTION_KEY; never logged, never returned. */
  secrets: jsonb('secrets').$type<{ iv: string; data: string } | null>(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The workspace of a tenant-owned row: filled from the transaction's `app.workspace_id` when an insert
 * leaves it out, so code cannot forget it; row-level security refuses any other value.
 */
export const workspaceId = () =>
  uuid('workspace_id')
    .notNull()
    .default(sql`nullif(current_setting('app.workspace_id', true), '')::uuid`)
    .references(() => workspaces.id, { onDelete: 'cascade' });

/** API keys of a workspace: shown once, kept as SHA-256, found by their public prefix. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey(),
    workspaceId: workspaceId(),
    name: text('name').notNull(),
    /** The key's first characters (`lg_` + 12), shown in lists and used to find it. */
    prefix: text('prefix').notNull(),
    /** SHA-256 (hex) of the whole key. */
    hash: text('hash').notNull(),
    scopes: text('scopes').array().notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('api_keys_prefix_key').on(t.prefix), index('api_keys_workspace_idx').on(t.workspaceId, t.createdAt)],
);

export type WorkspaceRow = typeof workspaces.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
