import { z } from 'zod';
import { DemoHostsSchema } from './domain/demo-hosts';
import { ContentAssetsConfig } from './domain/content-assets';
import { effectiveStatusMap } from './domain/crm-status';

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
    /** Set by `npm run dev` only: track the local in-memory events queue so Ctrl-C can wait for it to drain. */
    LOCAL_QUEUE_GAUGE: bool(false),
    DATABASE_URL: z.string().url(),
    /** Dev/test only: host:port of the local WebSocket→TCP bridge the Neon driver talks through. */
    NEON_WS_PROXY: z.string().optional(),
    ADMIN_API_KEY: z.string().min(24, 'ADMIN_API_KEY must be at least 24 characters'),
    /**
     * Named admin keys, stored only as SHA-256 hashes: "sales-dashboard:<hex>,zapier:<hex>" (see
     * `npm run admin-key`). Each can be revoked alone by removing its entry; its name is logged as the actor.
     */
    ADMIN_API_KEY_HASHES: z
      .string()
      .optional()
      .transform((v, ctx) =>
        (v ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((entry) => {
          const m = /^([a-z0-9][a-z0-9_-]{0,63}):([0-9a-f]{64})$/.exec(entry);
          if (!m) ctx.addIssue({ code: 'custom', message: 'entries must be name:sha256-hex' });
          return { name: m?.[1] ?? '', hash: m?.[2] ?? '' };
        }),
      ),
    /**
     * The API's public origin, e.g. https://api.example.com: download, cancel and reschedule links are
     * built on it (never on the request's Host header, which a caller controls). Required in production.
     */
    PUBLIC_API_URL: z
      .string()
      .url()
      .refine((u) => /^https?:\/\/[^/]+$/.test(u.replace(/\/$/, '')), 'must be an origin such as https://api.example.com (no path)')
      .transform((u) => u.replace(/\/$/, ''))
      .optional(),
    CORS_ORIGINS: csv,
    MAX_BODY_BYTES: int(16 * 1024),
    WEBHOOK_MAX_BODY_BYTES: int(256 * 1024),

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

    // Fan-out (src/fanout). "capture" replaces every provider call with a record on /dev/outbox;
    // LIVE_PROVIDERS lists providers that call out anyway (e.g. a local failing CRM in dev).
    PROVIDER_MODE: z.enum(['live', 'capture']).default('live'),
    LIVE_PROVIDERS: csv,
    SALES_INBOX: z.string().email().default('sales@example.com'),
    EMAIL_FROM: z.string().email().default('no-reply@example.com'),
    EMAIL_FROM_NAME: z.string().default('Leadgate'),
    EMAIL_PROVIDER: z.enum(['sendgrid', 'ses']).default('sendgrid'),
    SENDGRID_API_KEY: z.string().optional(),
    SENDGRID_API_URL: z.string().url().default('https://api.sendgrid.com'),
    /** JSON object: Leadgate template name → SendGrid dynamic template id ("d-…"). Unlisted ones are sent rendered. */
    SENDGRID_TEMPLATE_IDS: z.string().optional().transform((v, ctx) => new Map(Object.entries(parseJson<Record<string, string>>(v, ctx) ?? {}))),
    SES_REGION: z.string().default('us-east-1'),
    SES_ACCESS_KEY_ID: z.string().optional(),
    SES_SECRET_ACCESS_KEY: z.string().optional(),
    SES_API_URL: z.string().url().optional(),
    CRM_PROVIDERS: csv.pipe(z.array(z.enum(['hubspot', 'pipedrive']))),
    HUBSPOT_ACCESS_TOKEN: z.string().optional(),
    HUBSPOT_API_URL: z.string().url().default('https://api.hubapi.com'),
    PIPEDRIVE_API_TOKEN: z.string().optional(),
    PIPEDRIVE_API_URL: z.string().url().default('https://api.pipedrive.com'),
    TWILIO_ACCOUNT_SID: z.string().optional(),
    TWILIO_AUTH_TOKEN: z.string().optional(),
    TWILIO_FROM: z.string().optional(),
    TWILIO_API_URL: z.string().url().default('https://api.twilio.com'),
    PRODUCT_WEBHOOK_URL: z.string().url().optional(),
    PRODUCT_WEBHOOK_SECRET: z.string().startsWith('whsec_').optional(),
    /** How long an event whose retries ran out waits before it goes back on the events queue. */
    EVENTS_REDRIVE_DELAY_SECONDS: z.coerce.number().int().min(0).max(43_200).default(600),
    DELIVERY_MAX_ATTEMPTS: int(12),
    DELIVERY_TIMEOUT_MS: int(10_000),
    DELIVERY_BACKOFF_BASE_SECONDS: int(30),
    DELIVERY_BACKOFF_MAX_SECONDS: int(3600),

    // Demo scheduling (src/routes/demo, src/durable-objects/scheduler.ts). DEMO_HOSTS: JSON array of hosts.
    DEMO_HOSTS: z.string().optional().transform((v, ctx) => parseJson<unknown[]>(v, ctx) ?? []).pipe(DemoHostsSchema),
    BOOKING_LINK_SECRET: z.string().min(32, 'BOOKING_LINK_SECRET must be at least 32 characters').optional(),
    DEMO_ATTEMPTS_PER_HOUR: int(5),
    DEMO_MAX_ACTIVE_PER_EMAIL: int(1),
    DEMO_CANCEL_MIN_NOTICE_MINUTES: z.coerce.number().int().min(0).default(120),
    DEMO_REMINDER_MINUTES_BEFORE: int(60),
    GOOGLE_CALENDAR_ACCESS_TOKEN: z.string().optional(),
    GOOGLE_CALENDAR_API_URL: z.string().url().default('https://www.googleapis.com/calendar/v3'),

    /** ROI calculator: seconds a worker keeps the industry benchmarks before reading Postgres again. */
    BENCHMARK_CACHE_TTL_SECONDS: int(60),
    /** Gated downloads: HMAC-SHA256 key of the signed download links (a secret). */
    DOWNLOAD_LINK_SECRET: z.string().min(32, 'DOWNLOAD_LINK_SECRET must be at least 32 characters'),
    DOWNLOAD_LINK_TTL_SECONDS: int(7 * 24 * 3600),
    /** JSON object: asset slug → { "title", "url" } (see src/domain/content-assets.ts). */
    CONTENT_ASSETS: ContentAssetsConfig,
    // Inbound CRM webhooks (src/routes/webhooks). A provider without its secret refuses every call.
    HUBSPOT_CLIENT_SECRET: z.string().min(1).optional(),
    PIPEDRIVE_WEBHOOK_USER: z.string().min(1).optional(),
    PIPEDRIVE_WEBHOOK_PASSWORD: z.string().min(1).optional(),
    MONDAY_SIGNING_SECRET: z.string().min(1).optional(),
    /** Comma list of `whsec_…` secrets; several are accepted at once so keys can be rotated. */
    STANDARD_WEBHOOK_SECRETS: csv.pipe(z.array(z.string().regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'each secret must be whsec_ followed by base64'))),
    /** The provider `POST /api/v1/webhooks/crm-update` is for. */
    CRM_WEBHOOK_PROVIDER: z.enum(['hubspot', 'pipedrive', 'monday', 'standard']).optional(),
    /** JSON: provider → { CRM status value → Leadgate status }; a provider given replaces its defaults. */
    CRM_STATUS_MAP: z
      .string()
      .optional()
      .transform((v, ctx) => parseJson<unknown>(v, ctx))
      .pipe(z.record(z.string(), z.record(z.string(), z.string().regex(/^[a-z_]{1,40}$/, 'must be a Leadgate status such as "customer"'))).optional())
      .transform((v) => effectiveStatusMap(v)),
    WEBHOOK_TOLERANCE_SECONDS: int(300),
  })
  .superRefine((c, ctx) => {
    if (c.ENVIRONMENT !== 'production') return;
    // Production fails closed: no offline captcha, no disabled captcha, no unchecked hostname.
    if (!c.TURNSTILE_ENABLED) ctx.addIssue({ code: 'custom', path: ['TURNSTILE_ENABLED'], message: 'cannot be false in production' });
    if (c.TURNSTILE_MODE !== 'cloudflare') ctx.addIssue({ code: 'custom', path: ['TURNSTILE_MODE'], message: 'must be "cloudflare" in production' });
    if (c.TURNSTILE_HOSTNAMES.length === 0) ctx.addIssue({ code: 'custom', path: ['TURNSTILE_HOSTNAMES'], message: 'must list the site hostnames in production' });
    if (c.PROVIDER_MODE !== 'live') ctx.addIssue({ code: 'custom', path: ['PROVIDER_MODE'], message: 'must be "live" in production' });
    if (!c.PUBLIC_API_URL) ctx.addIssue({ code: 'custom', path: ['PUBLIC_API_URL'], message: 'is required in production (links in emails are built on it)' });
    if (c.LOCAL_QUEUE_GAUGE) ctx.addIssue({ code: 'custom', path: ['LOCAL_QUEUE_GAUGE'], message: 'is for local development only' });
    if (c.NEON_WS_PROXY) ctx.addIssue({ code: 'custom', path: ['NEON_WS_PROXY'], message: 'is for local development only' });
    if (c.DEMO_HOSTS.length > 0 && !c.BOOKING_LINK_SECRET) ctx.addIssue({ code: 'custom', path: ['BOOKING_LINK_SECRET'], message: 'is required when DEMO_HOSTS is set' });
  });

export type Config = z.infer<typeof ConfigSchema>;

function parseJson<T>(value: string | undefined, ctx: z.RefinementCtx): T | undefined {
  if (!value) return undefined;
  try {
    return JSON.parse(value) as T;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be valid JSON' });
    return z.NEVER;
  }
}

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

/** Where links to this API point (emails, invites). Outside production a missing value means the local dev server. */
export function publicOrigin(config: Pick<Config, 'PUBLIC_API_URL'>): string {
  return config.PUBLIC_API_URL ?? 'http://localhost:8787';
}
