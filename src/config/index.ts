import { z } from 'zod';
import { base64ToBytes } from '../crypto/encoding';
import { ContentAssetsSchema } from '../domain/content-assets';
import { effectiveStatusMap, StatusTableSchema } from '../domain/crm-status';
import { DemoHostsSchema } from '../domain/demo-hosts';
import { INDUSTRIES } from '../domain/roi';
import { effectiveSmsTemplates, SmsTemplateOverridesSchema } from '../domain/sms';
import { DEFAULT_MONDAY_COLUMNS, mondayColumnMapSchema } from '../integrations/monday/columns';
import { bool, csv, int, json, optionalText, optionalUrl, secret, text, url } from './vars';

/**
 * Configuration comes from the Worker's env (vars in wrangler.toml, secrets from `wrangler secret put`,
 * .dev.vars locally) and is parsed once per isolate, one area at a time, when that area is first used.
 * Each component gets only its area. A missing or unsafe value names the variable and the feature that
 * needs it, and breaks only that feature: a bad BOOKING_LINK_SECRET stops demo booking, not lead capture,
 * and never the Scheduler's alarms for a value they do not read.
 */
export type RawEnv = Record<string, unknown>;

const mustIn = (ctx: z.RefinementCtx, path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });

const SECTIONS = {
  core: {
    feature: 'the API',
    schema: z
      .object({
        ENVIRONMENT: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['development', 'test', 'production']).default('production')),
        DATABASE_URL: z.url(),
        /** Dev/test only: host:port of the local WebSocket→TCP bridge the Neon driver talks through. */
        NEON_WS_PROXY: optionalText(),
        /** The API's public origin: links in emails are built on it, never on the request's Host header. */
        PUBLIC_API_URL: optionalUrl().refine(
          (u) => u === undefined || /^https?:\/\/[^/]+\/?$/.test(u),
          'must be an origin such as https://api.example.com (no path)',
        ),
        CORS_ORIGINS: csv(),
        MAX_BODY_BYTES: int(16 * 1024),
        WEBHOOK_MAX_BODY_BYTES: int(256 * 1024),
        /** Set by `npm run dev` only: track the local in-memory events queue so Ctrl-C can wait for it to drain. */
        LOCAL_QUEUE_GAUGE: bool(false),
      })
      .superRefine((c, ctx) => {
        if (c.ENVIRONMENT !== 'production') return;
        if (!c.PUBLIC_API_URL) mustIn(ctx, 'PUBLIC_API_URL', 'is required in production (links in emails are built on it)');
        if (c.NEON_WS_PROXY) mustIn(ctx, 'NEON_WS_PROXY', 'is for local development only');
        if (c.LOCAL_QUEUE_GAUGE) mustIn(ctx, 'LOCAL_QUEUE_GAUGE', 'is for local development only');
      })
      .transform((c) => ({
        environment: c.ENVIRONMENT,
        databaseUrl: c.DATABASE_URL,
        neonWsProxy: c.NEON_WS_PROXY,
        publicOrigin: (c.PUBLIC_API_URL ?? 'http://localhost:8787').replace(/\/$/, ''),
        corsOrigins: c.CORS_ORIGINS,
        maxBodyBytes: c.MAX_BODY_BYTES,
        webhookMaxBodyBytes: c.WEBHOOK_MAX_BODY_BYTES,
        localQueueGauge: c.LOCAL_QUEUE_GAUGE,
      })),
  },
  admin: {
    feature: 'the admin API',
    schema: z
      .object({
        /**
         * Bootstrap keys of the default workspace, kept in configuration for a fresh deployment's first
         * steps (they hold every scope): ADMIN_API_KEY itself, and named keys kept as SHA-256
         * ("sales-dashboard:<hex>,…", from before keys lived in Postgres). Keys made with the API or
         * `npm run api-key` are stored hashed in Postgres, scoped, and can expire and be revoked.
         */
        ADMIN_API_KEY: secret(24),
        ADMIN_API_KEY_HASHES: csv().pipe(z.array(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}:[0-9a-f]{64}$/, 'entries must be name:sha256-hex'))),
      })
      .transform((c) => ({
        bootstrapKey: c.ADMIN_API_KEY,
        namedKeyHashes: c.ADMIN_API_KEY_HASHES.map((entry) => ({ name: entry.split(':')[0]!, hash: entry.split(':')[1]! })),
      })),
  },
  workspaces: {
    feature: 'workspaces',
    schema: z
      .object({
        /** base64 of 32 random bytes: the AES-GCM key that seals each workspace's provider secrets in Postgres. */
        SETTINGS_ENCRYPTION_KEY: z.preprocess(
          (v) => (v === '' ? undefined : v),
          z
            .string()
            .refine((v) => base64ToBytes(v)?.byteLength === 32, 'must be base64 of 32 random bytes (openssl rand -base64 32)')
            .optional(),
        ),
        /** true: a public request without a site key is refused instead of going to the default workspace. */
        REQUIRE_SITE_KEY: bool(false),
        /** Seconds a worker keeps a workspace's settings before reading them again. */
        WORKSPACE_CACHE_SECONDS: int(30),
      })
      .transform((c) => ({ encryptionKey: c.SETTINGS_ENCRYPTION_KEY, requireSiteKey: c.REQUIRE_SITE_KEY, cacheSeconds: c.WORKSPACE_CACHE_SECONDS })),
  },
  turnstile: {
    feature: 'the captcha check of the public forms',
    schema: z
      .object({
        ENVIRONMENT: z.string().optional(),
        TURNSTILE_ENABLED: bool(true),
        /** "cloudflare" calls siteverify; "local" is the offline twin for `npm run dev` (never in production). */
        TURNSTILE_MODE: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['cloudflare', 'local']).default('cloudflare')),
        TURNSTILE_SECRET_KEY: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1)),
        TURNSTILE_VERIFY_URL: url('https://challenges.cloudflare.com/turnstile/v0/siteverify'),
        TURNSTILE_HOSTNAMES: csv(),
        TURNSTILE_TIMEOUT_MS: int(3000),
      })
      .superRefine((c, ctx) => {
        if ((c.ENVIRONMENT ?? 'production') !== 'production') return;
        // Production fails closed: no offline captcha, no disabled captcha, no unchecked hostname.
        if (!c.TURNSTILE_ENABLED) mustIn(ctx, 'TURNSTILE_ENABLED', 'cannot be false in production');
        if (c.TURNSTILE_MODE !== 'cloudflare') mustIn(ctx, 'TURNSTILE_MODE', 'must be "cloudflare" in production');
        if (c.TURNSTILE_HOSTNAMES.length === 0) mustIn(ctx, 'TURNSTILE_HOSTNAMES', 'must list the site hostnames in production');
      })
      .transform((c) => ({
        enabled: c.TURNSTILE_ENABLED,
        mode: c.TURNSTILE_MODE,
        secretKey: c.TURNSTILE_SECRET_KEY,
        verifyUrl: c.TURNSTILE_VERIFY_URL,
        hostnames: c.TURNSTILE_HOSTNAMES,
        timeoutMs: c.TURNSTILE_TIMEOUT_MS,
      })),
  },
  limits: {
    feature: 'the submission limits',
    schema: z
      .object({
        LEAD_LIMIT_PER_EMAIL: int(5),
        LEAD_LIMIT_EMAIL_WINDOW_SECONDS: int(3600),
        LEAD_LIMIT_PER_IP: int(30),
        LEAD_LIMIT_IP_WINDOW_SECONDS: int(600),
      })
      .transform((c) => ({
        perEmail: { limit: c.LEAD_LIMIT_PER_EMAIL, windowSeconds: c.LEAD_LIMIT_EMAIL_WINDOW_SECONDS },
        perNetwork: { limit: c.LEAD_LIMIT_PER_IP, windowSeconds: c.LEAD_LIMIT_IP_WINDOW_SECONDS },
      })),
  },
  delivery: {
    feature: 'the background fan-out',
    schema: z
      .object({
        ENVIRONMENT: z.string().optional(),
        /** "capture" records every provider call on /dev/outbox instead of sending it (local dev). */
        PROVIDER_MODE: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['live', 'capture']).default('live')),
        /** Providers that call out anyway in capture mode (e.g. a local failing CRM). */
        LIVE_PROVIDERS: csv(),
        DELIVERY_MAX_ATTEMPTS: int(12),
        DELIVERY_TIMEOUT_MS: int(10_000),
        DELIVERY_BACKOFF_BASE_SECONDS: int(30),
        DELIVERY_BACKOFF_MAX_SECONDS: int(3600),
        /** How long an event whose retries ran out waits before it goes back on the events queue. */
        EVENTS_REDRIVE_DELAY_SECONDS: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(0).max(43_200).default(600)),
      })
      .superRefine((c, ctx) => {
        if ((c.ENVIRONMENT ?? 'production') === 'production' && c.PROVIDER_MODE !== 'live') mustIn(ctx, 'PROVIDER_MODE', 'must be "live" in production');
      })
      .transform((c) => ({
        mode: c.PROVIDER_MODE,
        liveProviders: c.LIVE_PROVIDERS,
        maxAttempts: c.DELIVERY_MAX_ATTEMPTS,
        timeoutMs: c.DELIVERY_TIMEOUT_MS,
        backoff: { baseSeconds: c.DELIVERY_BACKOFF_BASE_SECONDS, maxSeconds: c.DELIVERY_BACKOFF_MAX_SECONDS },
        eventsRedriveDelaySeconds: c.EVENTS_REDRIVE_DELAY_SECONDS,
      })),
  },
  email: {
    feature: 'email',
    schema: z
      .object({
        SALES_INBOX: z.preprocess((v) => (v === '' ? undefined : v), z.email().default('sales@example.com')),
        EMAIL_FROM: z.preprocess((v) => (v === '' ? undefined : v), z.email().default('no-reply@example.com')),
        EMAIL_FROM_NAME: text('Leadgate'),
        EMAIL_PROVIDER: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['sendgrid', 'ses']).default('sendgrid')),
        SENDGRID_API_KEY: secret(),
        SENDGRID_API_URL: url('https://api.sendgrid.com'),
        /** JSON: Leadgate template name → SendGrid dynamic template id ("d-…"). Unlisted ones are sent rendered. */
        SENDGRID_TEMPLATE_IDS: json(z.record(z.string(), z.string().regex(/^d-[0-9a-f]+$/i, 'must be a dynamic template id "d-…"')), {}),
        /** The Signed Event Webhook's verification key, as SendGrid shows it: base64 DER of an ECDSA P-256 public key ("MFkw…"). */
        SENDGRID_EVENT_PUBLIC_KEY: z.preprocess(
          (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
          z
            .string()
            .refine(
              (v) => base64ToBytes(v.trim())?.byteLength === 91,
              'must be the base64 verification key SendGrid shows (an ECDSA P-256 public key, "MFkw…")',
            )
            .optional(),
        ),
        SES_REGION: text('us-east-1'),
        SES_ACCESS_KEY_ID: secret(),
        SES_SECRET_ACCESS_KEY: secret(),
        SES_API_URL: optionalUrl(),
      })
      .transform((c) => ({
        salesInbox: c.SALES_INBOX,
        from: { email: c.EMAIL_FROM, name: c.EMAIL_FROM_NAME },
        provider: c.EMAIL_PROVIDER,
        sendgrid: {
          apiKey: c.SENDGRID_API_KEY,
          apiUrl: c.SENDGRID_API_URL,
          templateIds: new Map(Object.entries(c.SENDGRID_TEMPLATE_IDS)),
          eventPublicKey: c.SENDGRID_EVENT_PUBLIC_KEY?.trim(),
        },
        ses: { region: c.SES_REGION, accessKeyId: c.SES_ACCESS_KEY_ID, secretAccessKey: c.SES_SECRET_ACCESS_KEY, apiUrl: c.SES_API_URL },
      })),
  },
  crm: {
    feature: 'the CRM sync',
    schema: z
      .object({
        CRM_PROVIDERS: csv().pipe(z.array(z.enum(['hubspot', 'pipedrive']))),
        HUBSPOT_ACCESS_TOKEN: secret(),
        HUBSPOT_API_URL: url('https://api.hubapi.com'),
        PIPEDRIVE_API_TOKEN: secret(),
        PIPEDRIVE_API_URL: url('https://api.pipedrive.com'),
      })
      .transform((c) => ({
        providers: c.CRM_PROVIDERS,
        hubspot: { accessToken: c.HUBSPOT_ACCESS_TOKEN, apiUrl: c.HUBSPOT_API_URL },
        pipedrive: { apiToken: c.PIPEDRIVE_API_TOKEN, apiUrl: c.PIPEDRIVE_API_URL },
      })),
  },
  sms: {
    feature: 'text messages',
    schema: z
      .object({
        TWILIO_ACCOUNT_SID: optionalText(),
        TWILIO_AUTH_TOKEN: secret(),
        TWILIO_FROM: optionalText(),
        TWILIO_API_URL: url('https://api.twilio.com'),
        /** Spell SMS without Polish diacritics (GSM-7: 160 characters a segment instead of 70). */
        SMS_TRANSLITERATE: bool(false),
      })
      .transform((c) => ({
        accountSid: c.TWILIO_ACCOUNT_SID,
        authToken: c.TWILIO_AUTH_TOKEN,
        from: c.TWILIO_FROM,
        apiUrl: c.TWILIO_API_URL,
        transliterate: c.SMS_TRANSLITERATE,
      })),
  },
  productWebhook: {
    feature: 'the product webhook',
    schema: z
      .object({
        PRODUCT_WEBHOOK_URL: optionalUrl(),
        PRODUCT_WEBHOOK_SECRET: z.preprocess(
          (v) => (v === '' ? undefined : v),
          z
            .string()
            .regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'must be whsec_ followed by base64')
            .optional(),
        ),
      })
      .transform((c) => ({ url: c.PRODUCT_WEBHOOK_URL, secret: c.PRODUCT_WEBHOOK_SECRET })),
  },
  demo: {
    feature: 'demo booking',
    schema: z
      .object({
        ENVIRONMENT: z.string().optional(),
        /** JSON array of the hosts on demo duty (see src/domain/demo-hosts.ts). */
        DEMO_HOSTS: json(DemoHostsSchema, []),
        BOOKING_LINK_SECRET: secret(32),
        DEMO_ATTEMPTS_PER_HOUR: int(5),
        DEMO_MAX_ACTIVE_PER_EMAIL: int(1),
        DEMO_CANCEL_MIN_NOTICE_MINUTES: int(120, 0),
        DEMO_REMINDER_MINUTES_BEFORE: int(60),
      })
      .superRefine((c, ctx) => {
        if (c.DEMO_HOSTS.length > 0 && !c.BOOKING_LINK_SECRET) mustIn(ctx, 'BOOKING_LINK_SECRET', 'is required when DEMO_HOSTS is set');
      })
      .transform((c) => ({
        hosts: c.DEMO_HOSTS,
        bookingLinkSecret: c.BOOKING_LINK_SECRET,
        attemptsPerHour: c.DEMO_ATTEMPTS_PER_HOUR,
        maxActivePerEmail: c.DEMO_MAX_ACTIVE_PER_EMAIL,
        cancelMinNoticeMinutes: c.DEMO_CANCEL_MIN_NOTICE_MINUTES,
        reminderMinutesBefore: c.DEMO_REMINDER_MINUTES_BEFORE,
      })),
  },
  calendar: {
    feature: "the demo hosts' calendars",
    schema: z
      .object({
        /** With a host's `google_calendar_id`: busy times from Google's freeBusy, demos written to the calendar. */
        GOOGLE_CALENDAR_ACCESS_TOKEN: secret(),
        GOOGLE_CALENDAR_API_URL: url('https://www.googleapis.com/calendar/v3'),
      })
      .transform((c) => ({ google: { accessToken: c.GOOGLE_CALENDAR_ACCESS_TOKEN, apiUrl: c.GOOGLE_CALENDAR_API_URL } })),
  },
  roi: {
    feature: 'the ROI calculator',
    schema: z
      .object({
        /** Seconds a worker keeps the industry benchmarks before reading Postgres again. */
        BENCHMARK_CACHE_TTL_SECONDS: int(60),
      })
      .transform((c) => ({ benchmarkCacheTtlSeconds: c.BENCHMARK_CACHE_TTL_SECONDS })),
  },
  content: {
    feature: 'gated downloads',
    schema: z
      .object({
        /** HMAC-SHA256 key of the signed download links. */
        DOWNLOAD_LINK_SECRET: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(32, 'must be at least 32 characters')),
        DOWNLOAD_LINK_TTL_SECONDS: int(7 * 24 * 3600),
        /** JSON object: asset slug → { "title", "url" }. */
        CONTENT_ASSETS: json(ContentAssetsSchema, {}),
      })
      .transform((c) => ({
        linkSecret: c.DOWNLOAD_LINK_SECRET,
        linkTtlSeconds: c.DOWNLOAD_LINK_TTL_SECONDS,
        // A Map: a slug such as "constructor" must not find a member of Object.prototype.
        assets: new Map(Object.entries(c.CONTENT_ASSETS)),
      })),
  },
  pipeline: {
    feature: 'the sales pipeline',
    schema: z
      .object({
        /** The industries a lead's business_domain may name (the ROI calculator's industries by default). */
        BUSINESS_DOMAINS: csv().pipe(z.array(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'each business domain is lower-case letters, digits and _'))),
        /** The lowest score a transfer accepts (a hard gate), and the threshold of lead.score_changed. */
        TRANSFER_MIN_SCORE: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().min(0).max(1).default(0.6)),
        /** How long an analysis is reused for the same input, and how old the one a transfer relies on may be. */
        ANALYSIS_TTL_SECONDS: int(3600),
        /** After this many new inbound interactions a lead is analysed again in the background (0: never). */
        ANALYSIS_EVERY_N_INTERACTIONS: int(3, 0),
        /** Outbound pipeline events (Standard Webhooks): where, signed with what, which ones. */
        PIPELINE_WEBHOOK_URL: optionalUrl(),
        PIPELINE_WEBHOOK_SECRET: z.preprocess(
          (v) => (v === '' ? undefined : v),
          z
            .string()
            .regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'must be whsec_ followed by base64')
            .optional(),
        ),
        PIPELINE_WEBHOOK_EVENTS: csv().pipe(z.array(z.enum(['lead.stage_changed', 'lead.transferred', 'sale.stage_changed', 'lead.score_changed']))),
      })
      .transform((c) => ({
        businessDomains: c.BUSINESS_DOMAINS.length > 0 ? c.BUSINESS_DOMAINS : [...INDUSTRIES],
        transferMinScore: c.TRANSFER_MIN_SCORE,
        analysisTtlSeconds: c.ANALYSIS_TTL_SECONDS,
        analyzeEvery: c.ANALYSIS_EVERY_N_INTERACTIONS,
        webhook: {
          url: c.PIPELINE_WEBHOOK_URL,
          secret: c.PIPELINE_WEBHOOK_SECRET,
          events:
            c.PIPELINE_WEBHOOK_EVENTS.length > 0
              ? c.PIPELINE_WEBHOOK_EVENTS
              : (['lead.stage_changed', 'lead.transferred', 'sale.stage_changed', 'lead.score_changed'] as const),
        },
      })),
  },
  scoring: {
    feature: 'lead scoring',
    schema: z
      .object({
        /** `rules` (the deterministic scorer, no account needed) or `llm` (an OpenAI-compatible chat-completions endpoint). */
        SCORER: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['rules', 'llm']).default('rules')),
        /** e.g. https://api.openai.com/v1 (…/chat/completions is appended). */
        LLM_API_URL: optionalUrl(),
        LLM_API_KEY: secret(),
        LLM_MODEL: optionalText(),
        LLM_TIMEOUT_MS: int(4000),
        /** Tokens one answer may use, and answers per workspace and day; past either, the rules answer. */
        LLM_MAX_TOKENS: int(400),
        LLM_DAILY_BUDGET: int(500),
      })
      .superRefine((c, ctx) => {
        if (c.SCORER !== 'llm') return;
        if (!c.LLM_API_URL) mustIn(ctx, 'LLM_API_URL', 'is required when SCORER=llm');
        if (!c.LLM_MODEL) mustIn(ctx, 'LLM_MODEL', 'is required when SCORER=llm');
      })
      .transform((c) => ({
        scorer: c.SCORER,
        llm: {
          url: c.LLM_API_URL,
          apiKey: c.LLM_API_KEY,
          model: c.LLM_MODEL,
          timeoutMs: c.LLM_TIMEOUT_MS,
          maxTokens: c.LLM_MAX_TOKENS,
          dailyBudget: c.LLM_DAILY_BUDGET,
        },
      })),
  },
  chatbot: {
    feature: 'the chatbot hub',
    schema: z
      .object({
        /** Comma list of shared tokens the bots send (header X-Leadgate-Bot-Token, or ?token=); several at once for rotation. */
        CHATBOT_TOKENS: csv().pipe(z.array(z.string().min(24, 'each token must be at least 24 characters'))),
        /** JSON: Leadgate field → the bot's attribute name (email, phone, topic, package, meeting_start, name, consent_*). */
        CHATFUEL_ATTRIBUTES: json(z.record(z.string(), z.string().min(1)), {}),
        /** JSON: a choice (`package`, `meeting_start`) or an error code → the Chatfuel block the flow goes to next. */
        CHATFUEL_BLOCKS: json(z.record(z.string(), z.string().min(1)), {}),
        /** The packages a visitor can pick, in order. */
        CHATBOT_PACKAGES: csv().pipe(z.array(z.string().max(100, 'each package name is at most 100 characters'))),
        /** The visitor's time zone when the bot does not send an IANA one. */
        CHATBOT_TIME_ZONE: text('Europe/Warsaw'),
        /** How many free slots are offered as quick replies. */
        CHATBOT_SLOTS_OFFERED: int(6),
        /** Conversation state (chosen package, offered slots) is forgotten this long after its last step. */
        CHATBOT_CONVERSATION_TTL_SECONDS: int(86_400),
        /** Requests per bot user and per network in a window, with the existing limiters. */
        CHATBOT_LIMIT_PER_USER: int(30),
        CHATBOT_LIMIT_PER_USER_WINDOW_SECONDS: int(600),
        /** Per network: the bot platform's own servers call, so this caps all of a bot's visitors together. */
        CHATBOT_LIMIT_PER_IP: int(3000),
        CHATBOT_LIMIT_PER_IP_WINDOW_SECONDS: int(60),
        /** The company the texts name, and its phone. */
        CHATBOT_COMPANY_NAME: text('Leadgate'),
        CHATBOT_COMPANY_PHONE: optionalText(),
        /** The consultant a handoff goes to: the name the visitor is told, and where the notice goes (the sales inbox by default). */
        CHATBOT_CONSULTANT_NAME: text('Konsultant'),
        CHATBOT_CONSULTANT_EMAIL: z.preprocess((v) => (v === '' ? undefined : v), z.email().optional()),
        /** JSON: SMS template name → wording (booking_confirmation, booking_reminder, consultant_contact, default). */
        CHATBOT_SMS_TEMPLATES: json(SmsTemplateOverridesSchema, {}),
        /** The SMS and email reminder of a chatbot booking: this many hours before it ("jutro"). */
        CHATBOT_REMINDER_HOURS_BEFORE: int(24),
        /** `scheduler` (Leadgate's own) or `calcom`. */
        CHATBOT_BOOKING_PROVIDER: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['scheduler', 'calcom']).default('scheduler')),
        CALCOM_API_KEY: secret(),
        CALCOM_EVENT_TYPE_ID: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().positive().optional()),
        CALCOM_API_URL: url('https://api.cal.com'),
        /** Telegram: the bot's token, and the secret setWebhook was given (X-Telegram-Bot-Api-Secret-Token). */
        TELEGRAM_BOT_TOKEN: secret(),
        TELEGRAM_WEBHOOK_SECRET: z.preprocess(
          (v) => (v === '' ? undefined : v),
          z
            .string()
            .regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16–256 of A-Z, a-z, 0-9, _ and -')
            .optional(),
        ),
        TELEGRAM_API_URL: url('https://api.telegram.org'),
      })
      .superRefine((c, ctx) => {
        if (c.CHATBOT_BOOKING_PROVIDER !== 'calcom') return;
        if (!c.CALCOM_API_KEY) mustIn(ctx, 'CALCOM_API_KEY', 'is required when CHATBOT_BOOKING_PROVIDER=calcom');
        if (!c.CALCOM_EVENT_TYPE_ID) mustIn(ctx, 'CALCOM_EVENT_TYPE_ID', 'is required when CHATBOT_BOOKING_PROVIDER=calcom');
      })
      .transform((c) => ({
        tokens: c.CHATBOT_TOKENS,
        attributes: c.CHATFUEL_ATTRIBUTES,
        blocks: c.CHATFUEL_BLOCKS,
        packages: c.CHATBOT_PACKAGES.length > 0 ? c.CHATBOT_PACKAGES : ['Start', 'Standard', 'Premium'],
        timeZone: c.CHATBOT_TIME_ZONE,
        slotsOffered: Math.min(c.CHATBOT_SLOTS_OFFERED, 10),
        conversationTtlSeconds: c.CHATBOT_CONVERSATION_TTL_SECONDS,
        limits: {
          perUser: { limit: c.CHATBOT_LIMIT_PER_USER, windowSeconds: c.CHATBOT_LIMIT_PER_USER_WINDOW_SECONDS },
          perNetwork: { limit: c.CHATBOT_LIMIT_PER_IP, windowSeconds: c.CHATBOT_LIMIT_PER_IP_WINDOW_SECONDS },
        },
        company: { name: c.CHATBOT_COMPANY_NAME, phone: c.CHATBOT_COMPANY_PHONE },
        consultant: { name: c.CHATBOT_CONSULTANT_NAME, email: c.CHATBOT_CONSULTANT_EMAIL },
        smsTemplates: effectiveSmsTemplates(c.CHATBOT_SMS_TEMPLATES),
        reminderMinutesBefore: c.CHATBOT_REMINDER_HOURS_BEFORE * 60,
        bookingProvider: c.CHATBOT_BOOKING_PROVIDER,
        calcom: { apiKey: c.CALCOM_API_KEY, eventTypeId: c.CALCOM_EVENT_TYPE_ID, apiUrl: c.CALCOM_API_URL },
        telegram: { botToken: c.TELEGRAM_BOT_TOKEN, webhookSecret: c.TELEGRAM_WEBHOOK_SECRET, apiUrl: c.TELEGRAM_API_URL },
      })),
  },
  monday: {
    feature: 'the monday.com board',
    schema: z
      .object({
        MONDAY_API_TOKEN: secret(),
        MONDAY_BOARD_ID: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^\d+$/, 'must be the numeric board id').optional()),
        /** JSON: field → { id, type } of the board's columns; the default is the chatbot board's. */
        MONDAY_COLUMN_MAP: json(mondayColumnMapSchema, DEFAULT_MONDAY_COLUMNS),
        MONDAY_API_URL: url('https://api.monday.com/v2'),
        /** The board's business time zone: meeting dates and hours are written on its clock. */
        MONDAY_TIME_ZONE: text('Europe/Warsaw'),
      })
      .transform((c) => ({
        apiToken: c.MONDAY_API_TOKEN,
        boardId: c.MONDAY_BOARD_ID,
        columns: c.MONDAY_COLUMN_MAP,
        apiUrl: c.MONDAY_API_URL,
        timeZone: c.MONDAY_TIME_ZONE,
      })),
  },
  analytics: {
    feature: 'Google Analytics',
    schema: z
      .object({
        GA4_MEASUREMENT_ID: z.preprocess(
          (v) => (v === '' ? undefined : v),
          z
            .string()
            .regex(/^G-[A-Z0-9]{4,20}$/, 'must look like G-XXXXXXXXXX')
            .optional(),
        ),
        GA4_API_SECRET: secret(),
        /** `eu` collects through region1.google-analytics.com (data stays in the EU). */
        GA4_REGION: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['global', 'eu']).default('global')),
        GA4_API_URL: optionalUrl(),
      })
      .transform((c) => ({
        measurementId: c.GA4_MEASUREMENT_ID,
        apiSecret: c.GA4_API_SECRET,
        endpoint: c.GA4_API_URL ?? (c.GA4_REGION === 'eu' ? 'https://region1.google-analytics.com' : 'https://www.google-analytics.com'),
      })),
  },
  inboundWebhooks: {
    feature: 'inbound CRM webhooks',
    schema: z
      .object({
        HUBSPOT_CLIENT_SECRET: secret(),
        PIPEDRIVE_WEBHOOK_USER: secret(),
        PIPEDRIVE_WEBHOOK_PASSWORD: secret(),
        MONDAY_SIGNING_SECRET: secret(),
        /** Comma list of `whsec_…` secrets; several are accepted at once so keys can be rotated. */
        STANDARD_WEBHOOK_SECRETS: csv().pipe(z.array(z.string().regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'each secret must be whsec_ followed by base64'))),
        /** The provider `POST /api/v1/webhooks/crm-update` is for. */
        CRM_WEBHOOK_PROVIDER: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['hubspot', 'pipedrive', 'monday', 'standard']).optional()),
        /** JSON: provider → { CRM status value → Leadgate status }; a provider given replaces its defaults. */
        CRM_STATUS_MAP: json(StatusTableSchema, {}),
        WEBHOOK_TOLERANCE_SECONDS: int(300),
      })
      .transform((c) => ({
        hubspot: { clientSecret: c.HUBSPOT_CLIENT_SECRET },
        pipedrive: { user: c.PIPEDRIVE_WEBHOOK_USER, password: c.PIPEDRIVE_WEBHOOK_PASSWORD },
        monday: { signingSecret: c.MONDAY_SIGNING_SECRET },
        standard: { secrets: c.STANDARD_WEBHOOK_SECRETS },
        crmUpdateProvider: c.CRM_WEBHOOK_PROVIDER,
        statusMap: effectiveStatusMap(c.CRM_STATUS_MAP),
        toleranceSeconds: c.WEBHOOK_TOLERANCE_SECONDS,
      })),
  },
} as const;

type Sections = typeof SECTIONS;
export type Area = keyof Sections;
/** Every area of the configuration, each parsed on first use. */
export type Config = { readonly [A in Area]: z.output<Sections[A]['schema']> };
export type CoreConfig = Config['core'];

/** A setting is missing or unsafe. `feature` is what cannot work without it; `problems` name the variables. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly feature: string,
    readonly problems: string[],
  ) {
    super(`Invalid configuration for ${feature} — ${problems.join('; ')}`);
  }
}

const cache = new WeakMap<object, Config>();

function parseArea<A extends Area>(raw: RawEnv, area: A): Config[A] {
  const { feature, schema } = SECTIONS[area];
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new ConfigError(
      feature,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(value)'} ${i.message}`),
    );
  return parsed.data as Config[A];
}

/** The configuration read from `raw` (variable name → value), each area parsed the first time it is read. */
export function configOf(raw: RawEnv): Config {
  const parsed = new Map<Area, unknown>();
  const config = {} as Config;
  for (const area of Object.keys(SECTIONS) as Area[]) {
    Object.defineProperty(config, area, {
      enumerable: true,
      get: () => {
        if (!parsed.has(area)) parsed.set(area, parseArea(raw, area));
        return parsed.get(area);
      },
    });
  }
  return config;
}

/** Every problem `raw` has in the given areas, as `VARIABLE message` lines (empty: all good). */
export function configProblems(raw: RawEnv, areas: readonly Area[]): Array<{ variable: string; message: string }> {
  return areas.flatMap((area) => {
    const parsed = SECTIONS[area].schema.safeParse(raw);
    return parsed.success ? [] : parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? ''), message: i.message }));
  });
}

/**
 * The deployment's configuration (cached per isolate): the Worker's env, which is also the default
 * workspace's configuration before its stored settings are laid over it (config/workspace.ts). Each area
 * is parsed the first time it is read, and only that area fails when its variables are wrong.
 */
export function loadConfig(env: Env): Config {
  const cached = cache.get(env);
  if (cached) return cached;
  const config = configOf(env as unknown as RawEnv);
  cache.set(env, config);
  return config;
}

/** Outside production, PROVIDER_MODE=capture records provider calls instead of making them, except for LIVE_PROVIDERS. */
export function providerIsLive(delivery: Config['delivery'], provider: string): boolean {
  return delivery.mode === 'live' || delivery.liveProviders.includes(provider);
}

/** Every variable the configuration reads. */
export type ConfigVariable = { [A in Area]: keyof z.input<Sections[A]['schema']> & string }[Area];
/**
 * Compile-time check that the Worker's generated env type (`npm run types`, from wrangler.toml and
 * .dev.vars.example) knows every variable read here: adding one to a schema without listing it fails `tsc`.
 */
export const everyVariableIsTyped: [Exclude<ConfigVariable, keyof Env>] extends [never] ? true : Exclude<ConfigVariable, keyof Env> = true;
