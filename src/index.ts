import { createApp } from './app';
import { loadConfig } from './config';
import { openDatabase } from './db/client';
import { sweepDeliveries } from './fanout/sweep';
import { describeError, logger } from './logger';
import { workspaceContext } from './queues/consumer-context';
import { consumeDeadDeliveries, consumeDeliveries } from './queues/deliveries-consumer';
import { consumeEvents } from './queues/events-consumer';
import { consumeDeadEvents } from './queues/events-dlq-consumer';
import { allWorkspaces } from './services/workspaces';

export { Conversation } from './durable-objects/conversation';
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
  async scheduled(_controller, env, execution) {
    const { db, close } = openDatabase(loadConfig(env).core);
    try {
      // Each workspace in a transaction of its own: row-level security shows the sweep one workspace at a time.
      for (const workspace of await allWorkspaces(env, db)) {
        await sweepDeliveries({ ctx: workspaceContext(env, workspace, db, execution, 'cron'), input: {} }).catch((err: unknown) =>
          logger.error('deliveries.sweep_failed', { workspace: workspace.slug, error: describeError(err) }),
        );
      }
    } finally {
      execution.waitUntil(close());
    }
  },
} satisfies ExportedHandler<Env>;
