import { createApp } from './app';
import { consumeEvents } from './queues/events-consumer';

export { RateLimiter } from './durable-objects/rate-limiter';
export { IdempotencyStore } from './durable-objects/idempotency';

const app = createApp();

export default {
  fetch: app.fetch,
  async queue(batch, env, ctx) {
    switch (batch.queue) {
      case 'leadgate-events':
        return consumeEvents(batch, env, ctx);
      default:
        console.error(JSON.stringify({ level: 'error', event: 'queue.unknown', queue: batch.queue }));
        batch.retryAll();
    }
  },
} satisfies ExportedHandler<Env>;
