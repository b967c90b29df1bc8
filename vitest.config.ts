import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { createServer } from 'node:net';
import { defineConfig } from 'vitest/config';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

// The global setup (test/global-setup.ts) starts a throwaway embedded Postgres and the Neon bridge on
// these ports; the Worker under test reaches them through the same driver path as production.
process.env.LEADGATE_TEST_PG_PORT ??= String(await freePort());
process.env.LEADGATE_TEST_BRIDGE_PORT ??= String(await freePort());

export const TEST_VARS = {
  ENVIRONMENT: 'test',
  DATABASE_URL: `postgres://leadgate:leadgate@127.0.0.1:${process.env.LEADGATE_TEST_PG_PORT}/leadgate`,
  NEON_WS_PROXY: `127.0.0.1:${process.env.LEADGATE_TEST_BRIDGE_PORT}`,
  ADMIN_API_KEY: 'test-admin-key-0123456789abcdef',
  CORS_ORIGINS: 'https://www.example.com',
  TURNSTILE_MODE: 'cloudflare',
  TURNSTILE_SECRET_KEY: '1x0000000000000000000000000000000AA',
  TURNSTILE_HOSTNAMES: 'www.example.com',
  TURNSTILE_TIMEOUT_MS: '1000',
};

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: { bindings: TEST_VARS },
    }),
  ],
  test: {
    globalSetup: ['./test/global-setup.ts'],
    setupFiles: ['./test/support/setup.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    deps: { optimizer: { ssr: { enabled: true, include: ['ics'] } } },
  },
});
