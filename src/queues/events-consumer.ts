import { type Config, loadConfig } from '../config';
import { type Database, isTransientDatabaseError, openDatabase } from '../db/client';
import { inWorkspace } from '../db/tenant';
import { backoffSeconds } from '../domain/backoff';
import { enqueueDeliveries } from '../fanout/record-deliveries';
import { describeError, logger } from '../logger';
import { EventEnvelopeSchema, type EventMessage, EventMessageSchema } from '../messages/events';
import { eventsSettled } from '../messages/publish';
import { type FailedEvent, recordFailedEvents } from '../services/events/failed-events';
import { writeEvents } from '../services/events/write-events';
import { findWorkspace, type Workspace } from '../services/workspaces';
import { consumerContext } from './consumer-context';

/** A message whose write failed comes back after 5 s, 10 s, 20 s … at most 5 minutes. */
const WRITE_RETRY = { baseSeconds: 5, maxSeconds: 300 };

interface Group {
  work: Array<{ msg: Message<unknown>; event: EventMessage }>;
  unreadable: Array<{ msg: Message<unknown>; failed: FailedEvent }>;
}

const retry = (msg: Message<unknown>) => msg.retry({ delaySeconds: backoffSeconds(msg.attempts, WRITE_RETRY) });

/**
 * The "events" queue consumer. Every message is parsed with its contract first; one that does not
 * parse can never be applied, so it is recorded as failed (with its body and the reason, for an
 * operator to fix and replay) and acknowledged. The rest are grouped by workspace and each group is
 * written in one transaction of that workspace (row-level security binds it) by the set-based writer,
 * with that workspace's configuration; then acknowledged, then their deliveries are queued. If a group
 * cannot be written because of one message (its data, or a bug it triggers), each of its messages is
 * written alone: only that one is recorded as failed. If the database is unreachable, the messages are
 * retried with backoff (and, once the queue gives up, parked on the dead-letter queue, which puts them
 * back later): nothing accepted is lost.
 */
export async function consumeEvents(batch: MessageBatch<unknown>, env: Env, execution: ExecutionContext): Promise<void> {
  const config = loadConfig(env);
  const groups = new Map<string, Group>();
  const groupOf = (workspaceId: string) => {
    const g = groups.get(workspaceId) ?? { work: [], unreadable: [] };
    groups.set(workspaceId, g);
    return g;
  };
  for (const msg of batch.messages) {
    const parsed = EventMessageSchema.safeParse(msg.body);
    if (parsed.success) {
      groupOf(parsed.data.workspace_id).work.push({ msg, event: parsed.data });
      continue;
    }
    const envelope = EventEnvelopeSchema.safeParse(msg.body);
    const reason = `not a valid event: ${parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(message)'} ${i.message}`)
      .join('; ')}`.slice(0, 1000);
    logger.error('events.unreadable_message', { message_id: msg.id, event_id: envelope.data?.id, type: envelope.data?.type, reason });
    // Without even an id and a type there is nothing to record it under: the log is all that is left of it.
    if (!envelope.success) msg.ack();
    else groupOf(envelope.data.workspace_id).unreadable.push({ msg, failed: { id: envelope.data.id, type: envelope.data.type, reason, body: msg.body } });
  }

  const { db, close } = openDatabase(config.core);
  try {
    for (const [workspaceId, group] of groups) await consumeGroup(env, config, execution, db, workspaceId, group);
  } finally {
    execution.waitUntil(close());
  }
}

async function consumeGroup(env: Env, config: Config, execution: ExecutionContext, db: Database, workspaceId: string, group: Group): Promise<void> {
  const all = [...group.work.map((w) => w.msg), ...group.unreadable.map((u) => u.msg)];
  let workspace: Workspace | null;
  try {
    workspace = await findWorkspace(env, db, { id: workspaceId });
  } catch (err) {
    logger.error('events.batch_failed', { size: all.length, error: describeError(err) });
    for (const m of all) retry(m);
    return;
  }
  if (!workspace) {
    // Its workspace was deleted (and its rows with it): there is nowhere to write these.
    logger.error('events.unknown_workspace', { workspace_id: workspaceId, size: all.length });
    for (const m of all) m.ack();
    return;
  }
  const ref = { id: workspace.id, slug: workspace.slug };
  const failed = group.unreadable.map((u) => u.failed);
  const started = Date.now();
  try {
    const deliveryIds = await inWorkspace(db, workspace.id, async (tx) => {
      await recordFailedEvents(tx, failed);
      const ctx = consumerContext(env, workspace.config, execution, ref, tx);
      return (await writeEvents({ ctx, input: group.work.map((w) => w.event) })).deliveryIds;
    });
    for (const m of all) m.ack();
    logger.info('events.batch_written', {
      workspace: workspace.slug,
      size: all.length,
      unreadable: group.unreadable.length,
      deliveries: deliveryIds.length,
      duration_ms: Date.now() - started,
    });
    await eventsSettled({ env, core: config.core }, [...group.work.map((w) => w.event.id), ...failed.map((f) => f.id)]);
    // After the commit: a lost send here is recovered by the cron sweep, never by losing the delivery.
    await inWorkspace(db, workspace.id, (tx) => enqueueDeliveries(tx, env, workspace.id, deliveryIds));
  } catch (err) {
    if (isTransientDatabaseError(err)) {
      // The database is unreachable or the commit was refused: nothing was written; all come back.
      logger.error('events.batch_failed', { size: all.length, error: describeError(err) });
      for (const m of all) retry(m);
      return;
    }
    // Some message's data (or a bug it triggers) broke the batch: find it, and write the others.
    logger.warn('events.batch_isolating', { size: all.length, error: describeError(err) });
    await writeOneByOne(env, config, execution, db, workspace, group);
  }
}

/** The fallback when some message's data broke the batch: each message on its own, so it costs only itself. */
async function writeOneByOne(env: Env, config: Config, execution: ExecutionContext, db: Database, workspace: Workspace, group: Group): Promise<void> {
  const ref = { id: workspace.id, slug: workspace.slug };
  const settled: string[] = [];
  const record = (failed: FailedEvent) => inWorkspace(db, workspace.id, (tx) => recordFailedEvents(tx, [failed]));
  for (const u of group.unreadable) {
    try {
      await record(u.failed);
      u.msg.ack();
    } catch (err) {
      logger.error('events.failed_not_recorded', { message_id: u.msg.id, error: describeError(err) });
      retry(u.msg);
    }
  }
  for (const { msg, event } of group.work) {
    try {
      const { deliveryIds } = await inWorkspace(db, workspace.id, (tx) =>
        writeEvents({ ctx: consumerContext(env, workspace.config, execution, ref, tx), input: [event] }),
      );
      msg.ack();
      settled.push(event.id);
      await inWorkspace(db, workspace.id, (tx) => enqueueDeliveries(tx, env, workspace.id, deliveryIds));
    } catch (err) {
      if (!isTransientDatabaseError(err)) {
        // This event cannot be written as it is (its data, or a bug): recorded as failed with the reason, for replay.
        try {
          await record({ id: event.id, type: event.type, reason: `could not be written: ${describeError(err)}`, body: event });
          logger.error('events.write_failed', { event_id: event.id, type: event.type, error: describeError(err) });
          msg.ack();
          settled.push(event.id);
          continue;
        } catch (recordErr) {
          logger.error('events.failed_not_recorded', { event_id: event.id, error: describeError(recordErr) });
        }
      } else {
        logger.error('events.write_retry', { event_id: event.id, type: event.type, attempts: msg.attempts, error: describeError(err) });
      }
      retry(msg);
    }
  }
  await eventsSettled({ env, core: config.core }, settled);
}
