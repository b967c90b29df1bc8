import { sql } from 'drizzle-orm';
import type { Scope } from '../../src/domain/workspace';
import { call, database } from './api';

export interface TestWorkspace {
  id: string;
  slug: string;
  siteKey: string;
  /** An `admin` key of this workspace. */
  adminKey: string;
}

let seq = 0;

/**
 * A workspace of its own for a test, made as `npm run workspace -- create` makes one (the same SQL
 * function, as the database owner), with an `admin` key made as `npm run api-key -- create` makes one.
 */
export async function createWorkspace(name = 'site'): Promise<TestWorkspace> {
  const slug = `t-${name}-${Date.now().toString(36)}-${(seq++).toString(36)}`;
  const { db, close } = database();
  try {
    const made = await db.execute<{ id: string; site_key: string }>(sql`select id, site_key from leadgate_create_workspace(${slug}, ${`Test ${name}`})`);
    const { id, site_key } = made.rows[0]!;
    const key = await db.execute<{ key: string }>(sql`select key from leadgate_issue_api_key(${id}::uuid, 'test-admin', ARRAY['admin']::text[], null)`);
    return { id, slug, siteKey: site_key, adminKey: key.rows[0]!.key };
  } finally {
    await close();
  }
}

/** An API key of a workspace with these scopes (made through the admin API, as a customer would). */
export async function keyWith(workspace: TestWorkspace, scopes: Scope[], extra: { expires_at?: string } = {}): Promise<{ id: string; key: string }> {
  const res = await asKey(workspace.adminKey, '/api/v1/api-keys', 'POST', { name: `k-${seq++}`, scopes, ...extra });
  if (res.status !== 201) throw new Error(`key not made: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { id: string; key: string };
  return { id: body.id, key: body.key };
}

/** Calls the API with a key. */
export function asKey(key: string, path: string, method = 'GET', body?: unknown): Promise<Response> {
  return call(path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Sets a workspace's settings through the API; fails the test if they are refused. */
export async function configure(workspace: TestWorkspace, settings: Record<string, unknown>, secrets: Record<string, unknown> = {}): Promise<void> {
  const res = await asKey(workspace.adminKey, '/api/v1/settings', 'PATCH', settings);
  if (res.status !== 200) throw new Error(`settings refused: ${res.status} ${await res.text()}`);
  for (const [name, value] of Object.entries(secrets)) {
    const put = await asKey(workspace.adminKey, `/api/v1/settings/secrets/${name}`, 'PUT', { value });
    if (put.status !== 200) throw new Error(`secret ${name} refused: ${put.status} ${await put.text()}`);
  }
}
