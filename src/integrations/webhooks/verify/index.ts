import type { Config } from '../../../config';
import { verifyHubspot } from './hubspot';
import { verifyMonday } from './monday';
import { verifyPipedrive } from './pipedrive';
import { verifyStandardWebhook } from './standard-webhooks';
import type { InboundWebhook, Verification } from './types';

export const WEBHOOK_PROVIDERS = ['hubspot', 'pipedrive', 'monday', 'standard'] as const;
export type WebhookProvider = (typeof WEBHOOK_PROVIDERS)[number];

/** Runs the provider's check with the secrets configured for it; unconfigured means refused. */
export function verifyDelivery(provider: WebhookProvider, req: InboundWebhook, config: Config, now: Date): Promise<Verification> {
  const toleranceSeconds = config.WEBHOOK_TOLERANCE_SECONDS;
  switch (provider) {
    case 'hubspot':
      return verifyHubspot(req, { clientSecret: config.HUBSPOT_CLIENT_SECRET, toleranceSeconds }, now);
    case 'pipedrive':
      return verifyPipedrive(req, { user: config.PIPEDRIVE_WEBHOOK_USER, password: config.PIPEDRIVE_WEBHOOK_PASSWORD });
    case 'monday':
      return verifyMonday(req, { signingSecret: config.MONDAY_SIGNING_SECRET }, now);
    case 'standard':
      return verifyStandardWebhook(req, { secrets: config.STANDARD_WEBHOOK_SECRETS, toleranceSeconds }, now);
  }
}

export type { InboundWebhook, Verification } from './types';
