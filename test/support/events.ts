import { createExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { loadConfig } from '../../src/config';
import type { EventMessage } from '../../src/messages/events';
import { consumerContext } from '../../src/queues/consumer-context';
import { writeEvents } from '../../src/services/events/write-events';
import { DEFAULT_WORKSPACE, withTestDatabase } from './api';

/** Writes events as the consumer's batch writer does, in one transaction of its own (no queue involved). */
export function writeBatch(batch: EventMessage[]) {
  return withTestDatabase((tx) =>
    writeEvents({ ctx: consumerContext(env, loadConfig(env), createExecutionContext(), DEFAULT_WORKSPACE, tx, 'test'), input: batch }),
  );
}
