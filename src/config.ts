import { z } from 'zod';

/**
 * Configuration is read from the Worker's env (vars in wrangler.toml, secrets from `wrangler secret put`,
 * .dev.vars locally), parsed and checked once per isolate. A missing or unsafe setting is a clear
 * start-up error that names the variable, never a silent default in production.
 */
const csv = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean));
const int = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1'));

const ConfigSchema = z
  .object({
    ENVIRONMENT: z.enum(['development', 'test', 'production']).default('production'),
    DATABASE_URL: z.string().url(),
    /** Dev/test only: host:port of the local WebSocket→TCP bridge the Neon driver talks through. */
    NEON_WS_PROXY: z.string().optional(),
    ADMIN_API_KEY: z.string().min(24, 'ADMIN_API_KEY must be at least 24 characters'),
    CORS_ORIGINS: csv,
    MAX_BODY_BYTES: int(16 * 1024),

    TURNSTILE_ENABLED: bool(true),
    /** "cloudflare" calls siteverify; "local" is the offline twin for `npm run dev` (never in production). */
    TURNSTILE_MODE: z.enum(['cloudflare', 'local']).default('cloudflare'),
    TURNSTILE_SECRET_KEY: z.string().min(1),
    TURNSTILE_VERIFY_URL: z.string().url().default('https://challenges.cloudflare.com/turnstile/v0/siteverify'),
    TURNSTILE_HOSTNAMES: csv,
    TURNSTILE_TIMEOUT_MS: int(3000),

    LEAD_LIMIT_PER_EMAIL: int(5),
    LEAD_LIMIT_EMAIL_WINDOW_SECONDS: int(3600),
    LEAD_LIMIT_PER_IP: int(30),
    LEAD_LIMIT_IP_WINDOW_SECONDS: int(600),
  })
  .superRefine((c, ctx) => {
    if (c.ENVIRONMENT !== 'production') return;
    // Production fails closed: no offline captcha, no disabled captcha, no unchecked hostname.
    if (!c.TURNSTILE_ENABLED) ctx.addIssue({ code: 'custom', path: ['TURNSTILE_ENABLED'], message: 'cannot be false in production' });
    if (c.TURNSTILE_MODE !== 'cloudflare') ctx.addIssue({ code: 'custom', path: ['TURNSTILE_MODE'], message: 'must be "cloudflare" in production' });
    if (c.TURNSTILE_HOSTNAMES.length === 0) ctx.addIssue({ code: 'custom', path: ['TURNSTILE_HOSTNAMES'], message: 'must list the site hostnames in production' });
    if (c.NEON_WS_PROXY) ctx.addIssue({ code: 'custom', path: ['NEON_WS_PROXY'], message: 'is for local development only' });
  });

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const cache = new WeakMap<object, Config>();

export function loadConfig(env: Env): Config {
  const cached = cache.get(env);
  if (cached) return cached;
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration — ${problems.join('; ')}`);
  }
  cache.set(env, parsed.data);
  return parsed.data;
}
