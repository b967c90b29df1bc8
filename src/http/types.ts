import type { Config } from '../config';

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    config: Config;
  };
}
