import type { Config } from '../config';

/** What every business verb gets, whether called from a route, a queue consumer or a cron job. */
export interface ServiceContext {
  env: Env;
  config: Config;
  requestId: string;
  waitUntil(promise: Promise<unknown>): void;
}
