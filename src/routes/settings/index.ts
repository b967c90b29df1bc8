import { z } from '@hono/zod-openapi';
import { SECRET_SETTINGS, WORKSPACE_SETTINGS } from '../../config/workspace';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { serviceContext } from '../../http/service-context';
import { readSettings, type SettingsView, setSecret, updateSettings } from '../../services/workspace-settings';

const list = z.union([z.array(z.string().max(500)).max(100), z.string().max(5000)]);
const json = z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]);
const valueSchema = (kind: string) => (kind === 'list' ? list : kind === 'number' ? z.number().int() : kind === 'json' ? json : z.string().max(2000));

/** An example of each plain setting, for the documentation. */
const EXAMPLES: Record<string, unknown> = {
  cors_origins: ['https://www.brand-b.com'],
  turnstile_hostnames: ['www.brand-b.com'],
  lead_limit_per_email: 5,
  lead_limit_email_window_seconds: 3600,
  lead_limit_per_ip: 30,
  lead_limit_ip_window_seconds: 600,
  sales_inbox: 'sales@brand-b.com',
  email_from: 'hello@brand-b.com',
  email_from_name: 'Brand B',
  email_provider: 'sendgrid',
  sendgrid_template_ids: { lead_confirmation: 'd-0123456789abcdef' },
  ses_region: 'eu-central-1',
  crm_providers: ['hubspot'],
  twilio_account_sid: 'AC0123456789abcdef0123456789abcdef',
  twilio_from: '+48221234567',
  product_webhook_url: 'https://app.brand-b.com/webhooks/leadgate',
  demo_hosts: [{ id: 'ola', name: 'Ola Nowak', email: 'ola@brand-b.com', time_zone: 'Europe/Warsaw', working_hours: { mon: [['09:00', '17:00']] } }],
  demo_attempts_per_hour: 5,
  demo_max_active_per_email: 1,
  demo_cancel_min_notice_minutes: 120,
  demo_reminder_minutes_before: 60,
  content_assets: { 'pricing-guide': { title: 'Pricing guide', url: 'https://cdn.brand-b.com/pricing-guide.pdf' } },
  download_link_ttl_seconds: 604800,
  crm_webhook_provider: 'hubspot',
  crm_status_map: { hubspot: { closedwon: 'customer' } },
  pipedrive_webhook_user: 'leadgate',
  business_domains: ['fintech', 'saas', 'ecommerce'],
  transfer_min_score: 0.6,
  analysis_ttl_seconds: 3600,
  analysis_every_n_interactions: 3,
  pipeline_webhook_url: 'https://crm-bridge.brand-b.com/leadgate',
  pipeline_webhook_events: ['lead.transferred', 'sale.stage_changed'],
  chatbot_packages: ['Start', 'Standard', 'Premium'],
  chatfuel_attributes: { email: 'user_email' },
  chatfuel_blocks: { meeting_start: 'Rezerwacja', invalid_email: 'Podaj e-mail' },
  chatbot_time_zone: 'Europe/Warsaw',
  chatbot_company_name: 'Brand B',
  chatbot_company_phone: '+48 22 100 20 30',
  chatbot_consultant_name: 'Anna Kowalska',
  chatbot_consultant_email: 'konsultant@brand-b.com',
  chatbot_sms_templates: { default: 'Witaj {name}! Dziękujemy za kontakt z Brand B.' },
  monday_board_id: '1234567890',
  monday_column_map: { email: { id: 'email', type: 'email' }, status: { id: 'status', type: 'status' } },
  ga4_measurement_id: 'G-ABC123DEF4',
  ga4_region: 'eu',
};

/** Every plain setting, optional, documented from the catalog in config/workspace.ts. */
const plain = Object.entries(WORKSPACE_SETTINGS).filter(([, spec]) => !('secret' in spec));
const SettingsPatchSchema = z
  .object(
    Object.fromEntries(
      plain.map(([name, spec]) => [
        name,
        valueSchema(spec.kind)
          .nullable()
          .optional()
          .openapi({ description: `${spec.description} null: back to the default.`, example: EXAMPLES[name] }),
      ]),
    ),
  )
  .strict()
  .openapi('WorkspaceSettingsPatch');

const SettingsSchema = z
  .object({
    workspace: z
      .object({
        id: z.uuid().openapi({ description: 'Workspace id.', example: '4c9f6b1e-5d1a-4f2b-9e3c-000000000001' }),
        slug: z.string().openapi({ description: 'Its slug (webhook paths: /api/v1/workspaces/{slug}/webhooks/…).', example: 'default' }),
        name: z.string().openapi({ description: 'Its name.', example: 'Default' }),
        site_key: z.string().openapi({ description: 'The public key its site sends as X-Site-Key.', example: 'lg_site_5f0c1d2e3a4b5c6d7e8f90a1b2c3d4e5' }),
      })
      .openapi({ description: 'The workspace these settings belong to.' }),
    settings: z.record(z.string(), z.unknown()).openapi({
      description: 'What the workspace set for itself. Unset ones come from the deployment (the default workspace: its env).',
      example: { cors_origins: ['https://www.brand-b.com'], crm_providers: ['hubspot'] },
    }),
    secrets_set: z.array(z.string()).openapi({ description: 'Names of the secrets it holds; values are never shown.', example: ['hubspot_access_token'] }),
    updated_at: z.string().openapi({ description: 'Last change.', example: '2026-12-01T09:00:00.000Z' }),
  })
  .openapi('WorkspaceSettings');

const settingsView = (v: SettingsView) => ({
  workspace: { id: v.id, slug: v.slug, name: v.name, site_key: v.siteKey },
  settings: v.settings,
  secrets_set: v.secretsSet,
  updated_at: v.updatedAt.toISOString(),
});

const answer = { 200: { description: "The workspace's settings now.", content: { 'application/json': { schema: SettingsSchema } } } };

const getRoute = defineRoute(
  { scope: 'settings:write' },
  {
    method: 'get',
    path: '/settings',
    tags: ['Settings (admin)'],
    summary: "The workspace's settings",
    responses: answer,
  },
);

const patchRoute = defineRoute(
  { scope: 'settings:write' },
  {
    method: 'patch',
    path: '/settings',
    tags: ['Settings (admin)'],
    summary: 'Change some settings',
    description:
      'Settings not named keep their value; null removes one. Each changed area is checked as the workspace will use it (a demo host ' +
      'without working hours, an origin that is not a URL…) and refused with field errors. Workers pick changes up within ' +
      'WORKSPACE_CACHE_SECONDS.',
    request: { body: { required: true, content: { 'application/json': { schema: SettingsPatchSchema } } } },
    responses: answer,
  },
);

const SecretName = z.object({
  name: z
    .enum(SECRET_SETTINGS as [string, ...string[]])
    .openapi({ param: { name: 'name', in: 'path' }, description: 'Which secret.', example: 'hubspot_access_token' }),
});

const putSecretRoute = defineRoute(
  { scope: 'settings:write' },
  {
    method: 'put',
    path: '/settings/secrets/{name}',
    tags: ['Settings (admin)'],
    summary: 'Set a provider secret',
    description: 'Sealed with SETTINGS_ENCRYPTION_KEY (AES-GCM) before it reaches Postgres; never returned, never logged.',
    request: {
      params: SecretName,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z
              .object({
                value: z
                  .union([z.string().min(1).max(4000), z.array(z.string().max(500)).min(1).max(10)])
                  .openapi({ description: 'The secret (a list for standard_webhook_secrets).', example: 'pat-na1-…' }),
              })
              .strict()
              .openapi('WorkspaceSecret'),
          },
        },
      },
    },
    responses: answer,
  },
);

const deleteSecretRoute = defineRoute(
  { scope: 'settings:write' },
  {
    method: 'delete',
    path: '/settings/secrets/{name}',
    tags: ['Settings (admin)'],
    summary: 'Remove a provider secret',
    request: { params: SecretName },
    responses: answer,
  },
);

/** Admin (settings:write): the workspace's own settings and sealed provider secrets. */
export const settingsRouter = createRouter()
  .openapi(getRoute, async (c) => c.json(settingsView(await readSettings({ ctx: serviceContext(c) })), 200))
  .openapi(patchRoute, async (c) => c.json(settingsView(await updateSettings({ ctx: serviceContext(c), input: { changes: c.req.valid('json') } })), 200))
  .openapi(putSecretRoute, async (c) => {
    const { name } = c.req.valid('param');
    return c.json(settingsView(await setSecret({ ctx: serviceContext(c), input: { name, value: c.req.valid('json').value } })), 200);
  })
  .openapi(deleteSecretRoute, async (c) => {
    const { name } = c.req.valid('param');
    return c.json(settingsView(await setSecret({ ctx: serviceContext(c), input: { name, value: null } })), 200);
  });
