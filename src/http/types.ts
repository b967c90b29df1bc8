import type { Config } from '../config';
import type { Database } from '../db/client';

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    config: Config;
    /** Postgres for this request, opened on first use and closed after the response. */
    database: { readonly db: Database; close: () => Promise<void> };
    /** Who is calling: `public` unless an API key says otherwise (its name). */
    actor: string;
  };
}
