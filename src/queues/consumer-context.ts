import type { Config } from '../config';
import type { Queryable } from '../db/client';
import type { ServiceContext } from '../services/context';

/** The context of work done for a queue batch: the batch's transaction, acting as the system. */
export function consumerContext(env: Env, config: Config, execution: ExecutionContext, db: Queryable, requestId = 'queue'): ServiceContext {
  return { env, config, requestId, actor: 'system', db, waitUntil: (p) => execution.waitUntil(p) };
}
