import type { Config } from '../config';
import type { Database } from '../db/client';
import type { Workspace } from '../services/workspaces';

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    /** The deployment's configuration until the route finds its workspace, then the workspace's. */
    config: Config;
    /** Postgres for this request, opened on first use and closed after the response. */
    database: { readonly db: Database; close: () => Promise<void> };
    /** The site this request is for (set by the route's workspace step, see http/route.ts). */
    workspace: Workspace;
    /** Who is calling: `public` unless an API key says otherwise (its name). */
    actor: string;
    /** The API key's scopes (admin routes only). */
    scopes: readonly string[];
  };
}
