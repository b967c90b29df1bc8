import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKSPACE_ID } from '../../src/domain/workspace';
import { limiterFor, type RateLimiter, refundLimit, takeLimit } from '../../src/durable-objects/rate-limiter';

const key = () => `email:${crypto.randomUUID()}@acme-test.com`;

describe('RateLimiter Durable Object', () => {
  it('allows `limit` attempts per sliding window per key and says when the next one is allowed', async () => {
    const k = key();
    const stub = limiterFor(env.RATE_LIMITER, k);
    const t0 = Date.now();
    for (let i = 0; i < 3; i++) expect(await stub.take(k, 3, 60, t0 + i * 1000)).toMatchObject({ allowed: true, remaining: 2 - i });
    expect(await stub.take(k, 3, 60, t0 + 10_000)).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 50 });
    // Another key in the same object has its own count.
    expect(await stub.take(`${k}.other`, 3, 60, t0 + 10_000)).toMatchObject({ allowed: true, remaining: 2 });
    // The first attempt leaves the window at t0 + 60 s.
    expect(await stub.take(k, 3, 60, t0 + 60_001)).toMatchObject({ allowed: true });
  });

  it('is exact under concurrency: 40 simultaneous attempts at a limit of 7 → 7 allowed', async () => {
    const k = key();
    const decisions = await Promise.all(Array.from({ length: 40 }, () => takeLimit(env.RATE_LIMITER, DEFAULT_WORKSPACE_ID, k, 7, 3600)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(7);
  });

  it('gives an attempt back on refund', async () => {
    const k = key();
    const first = await takeLimit(env.RATE_LIMITER, DEFAULT_WORKSPACE_ID, k, 1, 3600);
    expect((await takeLimit(env.RATE_LIMITER, DEFAULT_WORKSPACE_ID, k, 1, 3600)).allowed).toBe(false);
    await refundLimit(env.RATE_LIMITER, DEFAULT_WORKSPACE_ID, k, first.countedAt!);
    expect((await takeLimit(env.RATE_LIMITER, DEFAULT_WORKSPACE_ID, k, 1, 3600)).allowed).toBe(true);
  });

  it('deletes attempts once they have left their window and sleeps until the next one does', async () => {
    const [old, live] = [key(), key()];
    const stub = limiterFor(env.RATE_LIMITER, old);
    await stub.take(old, 5, 60, Date.now() - 120_000);
    await stub.take(live, 5, 3600);
    await runDurableObjectAlarm(stub);
    const rows = await runInDurableObject(stub, (_o: RateLimiter, state) =>
      state.storage.sql
        .exec<{ key: string }>('SELECT key FROM hits WHERE key IN (?, ?)', old, live)
        .toArray()
        .map((r) => r.key),
    );
    expect(rows).toEqual([live]);
    // The shard is shared with other tests' keys: the alarm wakes for whichever attempt leaves its window next.
    const { next, alarm } = await runInDurableObject(stub, (_o: RateLimiter, state) => ({
      next: state.storage.sql.exec<{ at: number }>('SELECT MIN(expires_at) AS at FROM hits').one().at,
      alarm: state.storage.getAlarm(),
    }));
    expect(await alarm).toBe(next + 1000);
    expect(next).toBeGreaterThan(Date.now());
  });
});
