import type { Config } from '../config';

/** What an event applier may read besides the event: configuration and bindings, no request. */
export interface ApplyContext {
  env: Env;
  config: Config;
}
