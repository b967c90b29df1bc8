import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalPostgres } from '../scripts/local/postgres.mjs';
import { startWsBridge } from '../scripts/local/ws-bridge.mjs';

/** A fresh, migrated Postgres and the Neon bridge for the whole run; wiped afterwards. */
export default async function setup() {
  const pg = await startLocalPostgres({
    dataDir: join(tmpdir(), `leadgate-test-pg-${process.pid}`),
    port: Number(process.env.LEADGATE_TEST_PG_PORT),
    ephemeral: true,
  });
  const bridge = await startWsBridge({ port: Number(process.env.LEADGATE_TEST_BRIDGE_PORT) });
  return async () => {
    await bridge.stop();
    await pg.stop();
  };
}
