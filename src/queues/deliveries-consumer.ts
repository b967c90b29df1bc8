import { loadConfig } from '../config';
import { openDatabase } from '../db/client';
import { backoffSeconds } from '../domain/backoff';
import { type DeliverOutcome, deliverBatch, settleDeadLetters } from '../fanout/deliver';
import { describeError, logger } from '../logger';
import { DeliveryMessageSchema } from '../messages/deliveries';
import type { ServiceContext } from '../services/context';
import { findWorkspace } from '../services/workspaces';
import { workspaceContext } from './consumer-context';

type Work = Array<{ msg: Message<unknown>; id: string }>;

/** The messages of a batch that name a delivery, by workspace; others are acknowledged (nothing could ever work them). */
function readable(batch: MessageBatch<unknown>): Map<string, Work> {
  const groups = new Map<string, Work>();
  for (const msg of batch.messages) {
    const parsed = DeliveryMessageSchema.safeParse(msg.body);
    if (!parsed.success) {
      logger.error('deliveries.unreadable_message', { message_id: msg.id });
      msg.ack();
      continue;
    }
    const group = groups.get(parsed.data.workspace_id) ?? [];
    group.push({ msg, id: parsed.data.delivery_id });
    groups.set(parsed.data.workspace_id, group);
  }
  return groups;
}

/**
 * Runs `work` for each workspace's messages with that workspace's context (its configuration and
 * credentials; row-level security shows it only its rows). A workspace that no longer exists has no
 * rows left to work: its messages are acknowledged.
 */
async function perWorkspace(
  batch: MessageBatch<unknown>,
  env: Env,
  execution: ExecutionContext,
  work: (ctx: ServiceContext, group: Work) => Promise<void>,
  onError: (group: Work, err: unknown) => void,
): Promise<void> {
  const groups = readable(batch);
  if (groups.size === 0) return;
  const { db, close } = openDatabase(loadConfig(env).core);
  try {
    for (const [workspaceId, group] of groups) {
      try {
        const workspace = await findWorkspace(env, db, { id: workspaceId });
        if (!workspace) {
          logger.error('deliveries.unknown_workspace', { workspace_id: workspaceId, size: group.length });
          for (const { msg } of group) msg.ack();
          continue;
        }
        await work(workspaceContext(env, workspace, db, execution), group);
      } catch (err) {
        onError(group, err);
      }
    }
  } finally {
    execution.waitUntil(close());
  }
}

/** "deliveries" queue: each workspace's part of the batch is worked at once (deliver.ts); the retry schedule is the consumer's. */
export async function consumeDeliveries(batch: MessageBatch<unknown>, env: Env, execution: ExecutionContext): Promise<void> {
  await perWorkspace(
    batch,
    env,
    execution,
    async (ctx, work) => {
      const outcomes = await deliverBatch({ ctx, input: [...new Set(work.map((w) => w.id))] });
      const seen = new Set<string>();
      for (const { msg, id } of work) {
        // A second copy of a message in the same batch: the first one's call is the only one.
        const outcome: DeliverOutcome = seen.has(id) ? { action: 'ack', reason: 'busy' } : (outcomes.get(id) ?? { action: 'ack', reason: 'busy' });
        seen.add(id);
        if (outcome.action === 'retry') msg.retry({ delaySeconds: outcome.delaySeconds });
        else msg.ack();
      }
    },
    (work, err) => {
      // Database trouble: the rows are untouched or still locked; the queue brings the messages back.
      logger.error('deliveries.batch_failed', { size: work.length, error: describeError(err) });
      for (const { msg } of work) msg.retry({ delaySeconds: backoffSeconds(msg.attempts + 1, { baseSeconds: 15, maxSeconds: 300 }) });
    },
  );
}

/** "deliveries" dead-letter queue: settle each row (failed for an operator to replay, or back to the sweep). */
export async function consumeDeadDeliveries(batch: MessageBatch<unknown>, env: Env, execution: ExecutionContext): Promise<void> {
  await perWorkspace(
    batch,
    env,
    execution,
    async (ctx, work) => {
      const { failed, requeued } = await settleDeadLetters({ ctx, input: [...new Set(work.map((w) => w.id))] });
      logger.error('delivery.dead_lettered', { workspace: ctx.workspace.slug, count: work.length, failed: failed.length, requeued: requeued.length });
      for (const { msg } of work) msg.ack();
    },
    (work, err) => {
      logger.error('deliveries.dlq_failed', { error: describeError(err) });
      for (const { msg } of work) msg.retry({ delaySeconds: 30 });
    },
  );
}
