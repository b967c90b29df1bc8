import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { RateLimiter } from '../../src/durable-objects/rate-limiter';
import { eventually } from '../support/api';

const limiter = (name: string) => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(name));

describe('RateLimiter Durable Object', () => {
  it('allows `limit` attempts per sliding window and says when the next one is allowed', async () => {
    const stub = limiter(`t-${crypto.randomUUID()}`);
    const t0 = Date.now();
    for (let i = 0; i < 3; i++) expect(await stub.take(3, 60, t0 + i * 1000)).toMatchObject({ allowed: true, remaining: 2 - i });
    expect(await stub.take(3, 60, t0 + 10_000)).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 50 });
    // The first attempt leaves the window at t0 + 60 s.
    expect(await stub.take(3, 60, t0 + 60_001)).toMatchObject({ allowed: true });
  });

  it('forgets everything once the window has gone quiet, and keeps a window that is still live', async () => {
    const quiet = limiter(`t-${crypto.randomUUID()}`);
    await quiet.take(5, 60, Date.now() - 120_000); // its clean-up alarm is already due
    await runDurableObjectAlarm(quiet);
    await eventually(async () => (await quiet.count(3600)) === 0);
    expect(await runInDurableObject(quiet, (_o: RateLimiter, state) => state.storage.getAlarm())).toBeNull();
    expect(await quiet.take(5, 60)).toMatchObject({ allowed: true, remaining: 4 });

    const live = limiter(`t-${crypto.randomUUID()}`);
    await live.take(5, 3600);
    expect(await runDurableObjectAlarm(live)).toBe(true);
    expect(await live.count(3600)).toBe(1);
    expect(await runInDurableObject(live, async (_o: RateLimiter, state) => state.storage.getAlarm())).toBeGreaterThan(Date.now() + 3_500_000);
  });
});
