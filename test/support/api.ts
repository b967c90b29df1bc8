import { env, exports } from 'cloudflare:workers';
import { loadConfig } from '../../src/config';
import { openDatabase, type Transaction } from '../../src/db/client';
import { inWorkspace } from '../../src/db/tenant';
import { DEFAULT_WORKSPACE_ID } from '../../src/domain/workspace';
import { documentedResponseIn, matchOperation, openApiDocument } from './openapi';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';

let seq = 0;
/** A unique address per call, so tests never see each other's leads. */
export function uniqueEmail(prefix = 'lead', domain = 'acme-test.com'): string {
  return `${prefix}-${Date.now().toString(36)}-${(seq++).toString(36)}-${Math.random().toString(36).slice(2, 8)}@${domain}`;
}
/** A unique client IP per call (limits are per network). */
export function uniqueIp(): string {
  const n = Math.floor(Math.random() * 2 ** 24);
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/**
 * Calls the Worker. Every answer of an API operation is checked against the OpenAPI document: a route
 * that answers a status its operation does not document fails the test that saw it.
 */
export async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const res = await exports.default.fetch(new Request(`https://api.example.com${path}`, init));
  if (path.startsWith('/api/')) {
    const method = init.method ?? 'GET';
    const match = matchOperation(await openApiDocument(), method, path);
    if (match && !documentedResponseIn(match.operation, res.status)) {
      throw new Error(
        `${method} ${path} answered ${res.status}, which ${match.template} does not document (${await res
          .clone()
          .text()
          .then((t) => t.slice(0, 300))})`,
      );
    }
  }
  return res;
}

export function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return call(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'cf-connecting-ip': uniqueIp(), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export function adminGet(path: string): Promise<Response> {
  return call(path, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
}

/** The default workspace, as verbs and consumers name it. */
export const DEFAULT_WORKSPACE = { id: DEFAULT_WORKSPACE_ID, slug: 'default' } as const;

/**
 * Postgres as its owner sees it, every workspace at once: for looking at what the Worker did and for
 * fixtures (which name their workspace). The Worker itself, and `withTestDatabase`, use the app role.
 */
export function database() {
  const core = loadConfig(env).core;
  return openDatabase({ ...core, databaseUrl: (env as unknown as { LEADGATE_TEST_OWNER_URL: string }).LEADGATE_TEST_OWNER_URL });
}

/** Postgres as the Worker reaches it: the app role, bound by row-level security. */
export function appDatabase() {
  return openDatabase(loadConfig(env).core);
}

/**
 * Runs `fn` in a transaction of a workspace (the default one unless named), as the Worker would: the
 * app role sees that workspace's rows and nothing else.
 */
export async function withTestDatabase<T>(fn: (db: Transaction) => Promise<T>, workspaceId: string = DEFAULT_WORKSPACE_ID): Promise<T> {
  const { db, close } = appDatabase();
  try {
    return await inWorkspace(db, workspaceId, fn);
  } finally {
    await close();
  }
}

/** Polls `fn` until it returns a truthy value (the queue consumer runs asynchronously). */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
