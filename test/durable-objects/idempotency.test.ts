import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

const store = () => env.IDEMPOTENCY.get(env.IDEMPOTENCY.idFromName(`t-${crypto.randomUUID()}`));

describe('IdempotencyStore Durable Object', () => {
  it('runs a key once, replays its answer, refuses another body and a concurrent run', async () => {
    const s = store();
    const first = await s.begin('fp-1', 'event-a');
    expect(first).toEqual({ state: 'new', eventId: 'event-a' });
    expect(await s.begin('fp-1', 'event-b')).toEqual({ state: 'in_progress' });
    expect(await s.begin('fp-2', 'event-c')).toEqual({ state: 'mismatch' });
    await s.complete({ status: 202, body: { id: 'event-a' } });
    expect(await s.begin('fp-1', 'event-d')).toEqual({ state: 'replay', response: { status: 202, body: { id: 'event-a' } } });
  });

  it('after a failure, a retry runs again under the same event id (so a side effect made before the failure is deduplicated)', async () => {
    const s = store();
    await s.begin('fp', 'event-a');
    await s.release();
    expect(await s.begin('fp', 'event-b')).toEqual({ state: 'new', eventId: 'event-a' });
  });

  it('lets a retry take over a run that crashed a minute ago, with the same event id', async () => {
    const s = store();
    await s.begin('fp', 'event-a', Date.now() - 120_000);
    expect(await s.begin('fp', 'event-b')).toEqual({ state: 'new', eventId: 'event-a' });
  });
});
