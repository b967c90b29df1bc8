import type { Context } from 'hono';
import type { IdempotencyBegin } from '../durable-objects/idempotency';
import { newId } from '../domain/ids';
import { ApiError } from './errors';
import type { AppEnv } from './types';

export interface Answer {
  status: 200 | 201 | 202;
  body: Record<string, unknown>;
}

async function sha256Hex(text: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Runs `run` at most once per Idempotency-Key (per endpoint): a retry with the same key and the same
 * request gets the first answer; the same key with a different request is refused (422); a retry while
 * the first is still running gets 409. Failures release the key so that the caller can try again; the
 * event id reserved for the key is reused by every run, so a re-run after a crash is deduplicated.
 * `fingerprintOf` is what identifies "the same request" (e.g. the body without its single-use token).
 */
export async function idempotent(c: Context<AppEnv>, scope: string, fingerprintOf: unknown, run: (eventId: string) => Promise<Answer>): Promise<Response> {
  const key = c.req.header('idempotency-key');
  if (!key) {
    const answer = await run(newId());
    return c.json(answer.body, answer.status);
  }
  const ns = c.env.IDEMPOTENCY;
  const store = ns.get(ns.idFromName(`${scope}:${key}`));
  const started = (await store.begin(await sha256Hex(JSON.stringify(fingerprintOf)), newId())) as IdempotencyBegin;
  if (started.state === 'mismatch') throw new ApiError('idempotency_key_reused');
  if (started.state === 'in_progress') throw new ApiError('request_in_progress', { headers: { 'retry-after': '2' } });
  if (started.state === 'replay') {
    c.header('idempotent-replayed', 'true');
    return c.json(started.response.body as Record<string, unknown>, started.response.status as Answer['status']);
  }
  let answer: Answer;
  try {
    answer = await run(started.eventId);
  } catch (err) {
    await store.release();
    throw err;
  }
  // Storing the answer failing must not release the key: the side effect has happened.
  await store.complete({ status: answer.status, body: answer.body });
  return c.json(answer.body, answer.status);
}
