import type { Context } from 'hono';
import { sha256Hex } from '../crypto/digest';
import { newId } from '../domain/ids';
import { workspaceObjectName } from '../domain/workspace';
import type { IdempotencyBegin } from '../durable-objects/idempotency';
import { ServiceError } from '../services/errors';
import type { AppEnv } from './types';

export interface Answer<S extends number, B> {
  status: S;
  body: B;
}

/**
 * Runs `run` at most once per Idempotency-Key (per endpoint): a retry with the same key and the same
 * request gets the first answer (`replayed`); the same key with a different request is refused (422); a
 * retry while the first is still running gets 409. Failures release the key so that the caller can try
 * again; the event id reserved for the key is reused by every run, so a re-run after a crash is
 * deduplicated downstream. `fingerprintOf` is what identifies "the same request" (e.g. the body without
 * its single-use token).
 */
export async function idempotent<S extends 200 | 201 | 202, B extends object>(
  c: Context<AppEnv>,
  scope: string,
  fingerprintOf: unknown,
  run: (eventId: string) => Promise<Answer<S, B>>,
): Promise<Answer<S, B> & { replayed: boolean }> {
  const key = c.req.header('idempotency-key');
  if (!key) return { ...(await run(newId())), replayed: false };
  const ns = c.env.IDEMPOTENCY;
  // Keys are the caller's: each workspace has its own, so two sites using one key never meet.
  const store = ns.get(ns.idFromName(workspaceObjectName(c.var.workspace.id, `${scope}:${key}`)));
  const started = (await store.begin(await sha256Hex(JSON.stringify(fingerprintOf)), newId())) as IdempotencyBegin;
  if (started.state === 'mismatch') throw new ServiceError('idempotency_key_reused');
  if (started.state === 'in_progress') throw new ServiceError('request_in_progress', { retryAfterSeconds: 2 });
  // The stored answer is one this endpoint produced: its status and body have the endpoint's types.
  if (started.state === 'replay') return { status: started.response.status as S, body: started.response.body as B, replayed: true };
  let answer: Answer<S, B>;
  try {
    answer = await run(started.eventId);
  } catch (err) {
    await store.release();
    throw err;
  }
  // Storing the answer failing must not release the key: the side effect has happened.
  await store.complete({ status: answer.status, body: answer.body });
  return { ...answer, replayed: false };
}

/** The headers of an accepted write: where its event can be followed, and whether this is a replay. */
export function acceptedHeaders(c: Context<AppEnv>, eventId: string, replayed: boolean): void {
  c.header('location', `/api/v1/events/${eventId}`);
  if (replayed) c.header('idempotent-replayed', 'true');
}
