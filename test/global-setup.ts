import { startLocalPostgres } from '../scripts/local/postgres.mjs';
import { startWsBridge } from '../scripts/local/ws-bridge.mjs';

/**
 * A fresh, migrated Postgres and the Neon bridge for the whole run. The cluster lives in a private
 * temporary directory of its own (scripts/local/postgres.mjs picks it) and is removed afterwards.
 */
export default async function setup() {
  const pg = await startLocalPostgres({
    port: Number(process.env.LEADGATE_TEST_PG_PORT),
    password: process.env.LEADGATE_TEST_PG_PASSWORD,
    appPassword: process.env.LEADGATE_TEST_APP_PASSWORD,
    ephemeral: true,
  });
  const bridge = await startWsBridge({ port: Number(process.env.LEADGATE_TEST_BRIDGE_PORT) }).catch(async (err) => {
    await pg.stop();
    throw err;
  });
  return async () => {
    try {
      await bridge.stop();
    } finally {
      await pg.stop();
    }
  };
}
