import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { newId } from '../../src/domain/ids';
import { localQueueGauge } from '../../src/durable-objects/local-queue-gauge';
import type { EventMessage } from '../../src/messages/events';
import { eventsSettled, publishEvents } from '../../src/messages/publish';
import { call } from '../support/api';

describe('the local queue gauge (what Ctrl-C on npm run dev waits for)', () => {
  it('counts events put on the queue until the consumer settles them, only when switched on', async () => {
    const before = await localQueueGauge(env).outstanding();
    const ids = [newId(), newId()];
    // Not real events: the queue consumer of this test run acks them as unreadable, which is fine here.
    const events = ids.map((id) => ({ id, type: 'test.noop', occurred_at: new Date().toISOString(), request_id: 'gauge-test' }) as unknown as EventMessage);
    await publishEvents({ env, core: { localQueueGauge: false } }, events);
    expect(await localQueueGauge(env).outstanding()).toBe(before);
    await publishEvents({ env, core: { localQueueGauge: true } }, events);
    expect(await localQueueGauge(env).outstanding()).toBe(before + 2);
    await eventsSettled({ env, core: { localQueueGauge: true } }, ids);
    expect(await localQueueGauge(env).outstanding()).toBe(before);
  });

  it('GET /dev/queues reports the deliveries due now (and no gauge when it is off)', async () => {
    const res = await call('/dev/queues');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ events_outstanding: null, deliveries_due: expect.any(Number) });
  });
});
