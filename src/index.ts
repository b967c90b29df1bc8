import { createApp } from './app';
import { loadConfig } from './config';
import { openDatabase } from './db/client';
import { sweepDeliveries } from './fanout/sweep';
import { logger } from './logger';
import { consumeDeadDeliveries, consumeDeliveries } from './queues/deliveries-consumer';
import { consumeEvents } from './queues/events-consumer';
import { consumeDeadEvents } from './queues/events-dlq-consumer';

export { DemoGuard } from './durable-objects/demo-guard';
export { IdempotencyStore } from './durable-objects/idempotency';
export { LocalQueueGauge } from './durable-objects/local-queue-gauge';
export { RateLimiter } from './durable-objects/rate-limiter';
export { Scheduler } from './durable-objects/scheduler';
export { CaptureLog } from './integrations/capture/capture-log';

const app = createApp();

export default {
  fetch: app.fetch,
  async queue(batch, env, ctx) {
    switch (batch.queue) {
      case 'leadgate-events':
        return consumeEvents(batch, env, ctx);
      case 'leadgate-events-dlq':
        return consumeDeadEvents(batch, env);
      case 'leadgate-deliveries':
        return consumeDeliveries(batch, env, ctx);
      case 'leadgate-deliveries-dlq':
        return consumeDeadDeliveries(batch, env, ctx);
      default:
        logger.error('queue.unknown', { queue: batch.queue });
        batch.retryAll();
    }
  },
  async scheduled(_controller, env, ctx) {
    const { db, close } = openDatabase(loadConfig(env).core);
    try {
      await sweepDeliveries(db, env);
    } finally {
      ctx.waitUntil(close());
    }
  },
} satisfies ExportedHandler<Env>;
