import { DEFAULT_WORKSPACE_ID } from '../domain/workspace';
import { type Area, type Config, type ConfigVariable, configOf, configProblems, type RawEnv } from './index';

/**
 * What one site (workspace) sets for itself. Each setting is one configuration variable, parsed by the
 * same area schema as the env (config/index.ts): one set of rules, whichever way a value arrives.
 *
 * - `own`: the site's own (origins, hosts, assets, provider credentials, status map…). The default
 *   workspace takes these from the env, so a single-site deployment needs nothing new; any other
 *   workspace has only what it stored.
 * - `tunable`: a deployment-wide value (limits, the Turnstile secret…) a workspace may override.
 * - `secret`: kept sealed in Postgres (AES-GCM, SETTINGS_ENCRYPTION_KEY), write-only through the API.
 */
type Kind = 'text' | 'list' | 'number' | 'decimal' | 'json';
interface Spec {
  variable: ConfigVariable;
  area: Area;
  kind: Kind;
  scope: 'own' | 'tunable';
  secret?: true;
  description: string;
}

const s = (variable: ConfigVariable, area: Area, kind: Kind, scope: Spec['scope'], description: string, secret?: true): Spec => ({
  variable,
  area,
  kind,
  scope,
  description,
  ...(secret ? { secret } : {}),
});

export const WORKSPACE_SETTINGS = {
  cors_origins: s('CORS_ORIGINS', 'core', 'list', 'own', 'Origins of the site allowed to call the public API from a browser.'),
  turnstile_hostnames: s('TURNSTILE_HOSTNAMES', 'turnstile', 'list', 'own', 'Hostnames a Turnstile token must come from (required in production).'),
  lead_limit_per_email: s('LEAD_LIMIT_PER_EMAIL', 'limits', 'number', 'tunable', 'Submissions one email address may make per window.'),
  lead_limit_email_window_seconds: s('LEAD_LIMIT_EMAIL_WINDOW_SECONDS', 'limits', 'number', 'tunable', 'The per-email window, in seconds.'),
  lead_limit_per_ip: s('LEAD_LIMIT_PER_IP', 'limits', 'number', 'tunable', 'Submissions one network may make per window.'),
  lead_limit_ip_window_seconds: s('LEAD_LIMIT_IP_WINDOW_SECONDS', 'limits', 'number', 'tunable', 'The per-network window, in seconds.'),
  sales_inbox: s('SALES_INBOX', 'email', 'text', 'own', 'Where the sales notifications go.'),
  email_from: s('EMAIL_FROM', 'email', 'text', 'own', 'The sender address of every email.'),
  email_from_name: s('EMAIL_FROM_NAME', 'email', 'text', 'own', 'The sender name.'),
  email_provider: s('EMAIL_PROVIDER', 'email', 'text', 'tunable', '`sendgrid` or `ses`.'),
  sendgrid_template_ids: s('SENDGRID_TEMPLATE_IDS', 'email', 'json', 'own', 'Template name → SendGrid dynamic template id ("d-…").'),
  ses_region: s('SES_REGION', 'email', 'text', 'tunable', 'The AWS region of SES.'),
  crm_providers: s('CRM_PROVIDERS', 'crm', 'list', 'own', 'CRMs leads are synced to: `hubspot`, `pipedrive`.'),
  twilio_account_sid: s('TWILIO_ACCOUNT_SID', 'sms', 'text', 'own', 'The Twilio account text messages are sent from.'),
  twilio_from: s('TWILIO_FROM', 'sms', 'text', 'own', 'The sending number (E.164).'),
  product_webhook_url: s('PRODUCT_WEBHOOK_URL', 'productWebhook', 'text', 'own', 'Where "trial unlocked" is posted as a Standard Webhook.'),
  demo_hosts: s('DEMO_HOSTS', 'demo', 'json', 'own', 'The hosts on demo duty, with their working hours.'),
  demo_attempts_per_hour: s('DEMO_ATTEMPTS_PER_HOUR', 'demo', 'number', 'tunable', 'Booking attempts per email and hour.'),
  demo_max_active_per_email: s('DEMO_MAX_ACTIVE_PER_EMAIL', 'demo', 'number', 'tunable', 'Upcoming demos one email may hold.'),
  demo_cancel_min_notice_minutes: s('DEMO_CANCEL_MIN_NOTICE_MINUTES', 'demo', 'number', 'tunable', 'How late a demo may still be cancelled or moved.'),
  demo_reminder_minutes_before: s('DEMO_REMINDER_MINUTES_BEFORE', 'demo', 'number', 'tunable', 'When the reminder goes out.'),
  content_assets: s('CONTENT_ASSETS', 'content', 'json', 'own', 'Gated assets: slug → { "title", "url" }.'),
  download_link_ttl_seconds: s('DOWNLOAD_LINK_TTL_SECONDS', 'content', 'number', 'tunable', 'How long a download link works.'),
  crm_webhook_provider: s('CRM_WEBHOOK_PROVIDER', 'inboundWebhooks', 'text', 'own', 'The provider `…/webhooks/crm-update` is for.'),
  crm_status_map: s('CRM_STATUS_MAP', 'inboundWebhooks', 'json', 'own', 'Provider → { CRM value → Leadgate status }.'),
  pipedrive_webhook_user: s('PIPEDRIVE_WEBHOOK_USER', 'inboundWebhooks', 'text', 'own', 'The HTTP Basic user set on the Pipedrive webhook.'),
  business_domains: s('BUSINESS_DOMAINS', 'pipeline', 'list', 'tunable', "The industries a lead's business_domain may name."),
  transfer_min_score: s('TRANSFER_MIN_SCORE', 'pipeline', 'decimal', 'tunable', 'The lowest score a transfer accepts (0–1).'),
  analysis_ttl_seconds: s(
    'ANALYSIS_TTL_SECONDS',
    'pipeline',
    'number',
    'tunable',
    'How long an analysis is reused, and how old the one a transfer relies on may be.',
  ),
  analysis_every_n_interactions: s(
    'ANALYSIS_EVERY_N_INTERACTIONS',
    'pipeline',
    'number',
    'tunable',
    'Background analysis after this many interactions (0: never).',
  ),
  pipeline_webhook_url: s('PIPELINE_WEBHOOK_URL', 'pipeline', 'text', 'own', 'Where pipeline events are posted as Standard Webhooks.'),
  pipeline_webhook_events: s('PIPELINE_WEBHOOK_EVENTS', 'pipeline', 'list', 'own', 'Which pipeline events are sent (default: all four).'),
  chatbot_packages: s('CHATBOT_PACKAGES', 'chatbot', 'list', 'own', 'The packages the chatbot offers, in order.'),
  chatfuel_attributes: s('CHATFUEL_ATTRIBUTES', 'chatbot', 'json', 'own', "Leadgate field → the bot's attribute name."),
  chatfuel_blocks: s('CHATFUEL_BLOCKS', 'chatbot', 'json', 'own', 'A choice or an error code → the Chatfuel block to go to.'),
  chatbot_time_zone: s('CHATBOT_TIME_ZONE', 'chatbot', 'text', 'tunable', "The visitor's time zone when the bot sends none."),
  chatbot_company_name: s('CHATBOT_COMPANY_NAME', 'chatbot', 'text', 'own', 'The company the texts name.'),
  chatbot_company_phone: s('CHATBOT_COMPANY_PHONE', 'chatbot', 'text', 'own', "The company's phone in the texts."),
  chatbot_consultant_name: s('CHATBOT_CONSULTANT_NAME', 'chatbot', 'text', 'own', 'The consultant a handoff names.'),
  chatbot_consultant_email: s('CHATBOT_CONSULTANT_EMAIL', 'chatbot', 'text', 'own', 'Where the handoff notice goes.'),
  chatbot_sms_templates: s('CHATBOT_SMS_TEMPLATES', 'chatbot', 'json', 'own', 'SMS template name → wording.'),
  monday_board_id: s('MONDAY_BOARD_ID', 'monday', 'text', 'own', 'The board chatbot leads land on.'),
  monday_column_map: s('MONDAY_COLUMN_MAP', 'monday', 'json', 'own', "Field → { id, type } of the board's columns."),
  ga4_measurement_id: s('GA4_MEASUREMENT_ID', 'analytics', 'text', 'own', 'The GA4 property (G-…).'),
  ga4_region: s('GA4_REGION', 'analytics', 'text', 'tunable', '`global` or `eu`.'),
  turnstile_secret_key: s('TURNSTILE_SECRET_KEY', 'turnstile', 'text', 'tunable', "The site's Turnstile secret.", true),
  sendgrid_api_key: s('SENDGRID_API_KEY', 'email', 'text', 'own', 'SendGrid API key.', true),
  ses_access_key_id: s('SES_ACCESS_KEY_ID', 'email', 'text', 'own', 'AWS access key id for SES.', true),
  ses_secret_access_key: s('SES_SECRET_ACCESS_KEY', 'email', 'text', 'own', 'AWS secret access key for SES.', true),
  hubspot_access_token: s('HUBSPOT_ACCESS_TOKEN', 'crm', 'text', 'own', 'HubSpot private app token.', true),
  pipedrive_api_token: s('PIPEDRIVE_API_TOKEN', 'crm', 'text', 'own', 'Pipedrive API token.', true),
  twilio_auth_token: s('TWILIO_AUTH_TOKEN', 'sms', 'text', 'own', 'Twilio auth token.', true),
  product_webhook_secret: s('PRODUCT_WEBHOOK_SECRET', 'productWebhook', 'text', 'own', 'The `whsec_…` the product webhook is signed with.', true),
  hubspot_client_secret: s('HUBSPOT_CLIENT_SECRET', 'inboundWebhooks', 'text', 'own', 'HubSpot app client secret (webhook signatures).', true),
  pipedrive_webhook_password: s('PIPEDRIVE_WEBHOOK_PASSWORD', 'inboundWebhooks', 'text', 'own', 'The HTTP Basic password of the Pipedrive webhook.', true),
  monday_signing_secret: s('MONDAY_SIGNING_SECRET', 'inboundWebhooks', 'text', 'own', 'monday.com app signing secret.', true),
  chatbot_tokens: s('CHATBOT_TOKENS', 'chatbot', 'text', 'own', "The bot's shared tokens, comma-separated (rotation).", true),
  telegram_bot_token: s('TELEGRAM_BOT_TOKEN', 'chatbot', 'text', 'own', "The Telegram bot's token.", true),
  telegram_webhook_secret: s('TELEGRAM_WEBHOOK_SECRET', 'chatbot', 'text', 'own', 'The secret token setWebhook was given.', true),
  calcom_api_key: s('CALCOM_API_KEY', 'chatbot', 'text', 'own', 'Cal.com API key.', true),
  monday_api_token: s('MONDAY_API_TOKEN', 'monday', 'text', 'own', 'monday.com API token.', true),
  ga4_api_secret: s('GA4_API_SECRET', 'analytics', 'text', 'own', 'GA4 Measurement Protocol API secret.', true),
  pipeline_webhook_secret: s('PIPELINE_WEBHOOK_SECRET', 'pipeline', 'text', 'own', 'The `whsec_…` pipeline events are signed with.', true),
  google_calendar_access_token: s('GOOGLE_CALENDAR_ACCESS_TOKEN', 'calendar', 'text', 'own', "Google Calendar token for the hosts' calendars.", true),
  standard_webhook_secrets: s(
    'STANDARD_WEBHOOK_SECRETS',
    'inboundWebhooks',
    'list',
    'own',
    '`whsec_…` secrets accepted on Standard Webhooks (several: rotation).',
    true,
  ),
} as const satisfies Record<string, Spec>;

export type SettingName = keyof typeof WORKSPACE_SETTINGS;
const SPECS: ReadonlyMap<string, Spec> = new Map(Object.entries(WORKSPACE_SETTINGS));
export const settingSpec = (name: string): Spec | undefined => SPECS.get(name);
export const SECRET_SETTINGS = [...SPECS].filter(([, spec]) => spec.secret).map(([name]) => name);
export const PLAIN_SETTINGS = [...SPECS].filter(([, spec]) => !spec.secret).map(([name]) => name);
const OWN_VARIABLES: ReadonlySet<string> = new Set([...SPECS.values()].filter((spec) => spec.scope === 'own').map((spec) => spec.variable));

/** A stored value as the variable's text (lists comma-joined, JSON kept as a value for the json parser). */
function asVariable(spec: Spec, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (spec.kind === 'list' && Array.isArray(value)) return value.map(String).join(',');
  if ((spec.kind === 'number' || spec.kind === 'decimal') && typeof value === 'number') return String(value);
  return value;
}

/** What a workspace stored: plain settings, and its secrets already unsealed. */
export interface StoredSettings {
  settings: Record<string, unknown>;
  secrets: Record<string, unknown>;
}

/**
 * The raw variables of a workspace: the env, without the site-owned values unless this is the default
 * workspace, with the stored settings laid over it.
 */
export function workspaceVariables(env: Env, workspaceId: string, stored: StoredSettings): RawEnv {
  const raw: RawEnv = {};
  for (const [name, value] of Object.entries(env as unknown as RawEnv)) {
    if (workspaceId === DEFAULT_WORKSPACE_ID || !OWN_VARIABLES.has(name)) raw[name] = value;
  }
  for (const [name, value] of [...Object.entries(stored.settings), ...Object.entries(stored.secrets)]) {
    const spec = SPECS.get(name);
    if (spec) raw[spec.variable] = asVariable(spec, value);
  }
  return raw;
}

/** A workspace's configuration: every area, parsed on first use, like the deployment's. */
export function workspaceConfig(env: Env, workspaceId: string, stored: StoredSettings): Config {
  return configOf(workspaceVariables(env, workspaceId, stored));
}

/**
 * What is wrong with these settings, by setting name: each changed setting's area is parsed as the
 * workspace would use it, and every problem of a setting in those areas is reported.
 */
export function settingsProblems(
  env: Env,
  workspaceId: string,
  stored: StoredSettings,
  changed: readonly string[],
): Array<{ setting: string; message: string }> {
  const areas = [...new Set(changed.flatMap((name) => SPECS.get(name)?.area ?? []))];
  const byVariable = new Map([...SPECS].map(([name, spec]) => [spec.variable as string, name]));
  return configProblems(workspaceVariables(env, workspaceId, stored), areas).flatMap((p) => {
    const setting = byVariable.get(p.variable);
    return setting ? [{ setting, message: p.message }] : [];
  });
}

/** A setting's value as stored: lists as arrays of strings, numbers as numbers, JSON as it is; null removes it. */
export function storedValue(name: string, value: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  const spec = SPECS.get(name);
  if (!spec) return { ok: false, message: 'is not a setting' };
  if (value === null) return { ok: true, value: null };
  switch (spec.kind) {
    case 'text':
      return typeof value === 'string' ? { ok: true, value: value.trim() } : { ok: false, message: 'must be a string' };
    case 'list': {
      const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : null;
      return items ? { ok: true, value: items.map((v) => v.trim()).filter(Boolean) } : { ok: false, message: 'must be a list of strings' };
    }
    case 'number':
      return typeof value === 'number' && Number.isInteger(value) ? { ok: true, value } : { ok: false, message: 'must be a whole number' };
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value) ? { ok: true, value } : { ok: false, message: 'must be a number' };
    case 'json':
      return value !== null && typeof value === 'object' ? { ok: true, value } : { ok: false, message: 'must be a JSON object or array' };
  }
}
