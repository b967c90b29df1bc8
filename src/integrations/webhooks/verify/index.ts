import type { Config } from '../../../config';
import { verifyHubspot } from './hubspot';
import { verifyMonday } from './monday';
import { verifyPipedrive } from './pipedrive';
import { verifyStandardWebhook } from './standard-webhooks';
import type { InboundWebhook, Verification } from './types';

export const WEBHOOK_PROVIDERS = ['hubspot', 'pipedrive', 'monday', 'standard'] as const;
export type WebhookProvider = (typeof WEBHOOK_PROVIDERS)[number];

/** Runs the provider's check with the secrets configured for it; unconfigured means refused. */
export function verifyDelivery(provider: WebhookProvider, req: InboundWebhook, config: Config['inboundWebhooks'], now: Date): Promise<Verification> {
  const { toleranceSeconds } = config;
  switch (provider) {
    case 'hubspot':
      return verifyHubspot(req, { clientSecret: config.hubspot.clientSecret, toleranceSeconds }, now);
    case 'pipedrive':
      return verifyPipedrive(req, config.pipedrive);
    case 'monday':
      return verifyMonday(req, config.monday, now);
    case 'standard':
      return verifyStandardWebhook(req, { secrets: config.standard.secrets, toleranceSeconds }, now);
  }
}

export type { InboundWebhook, Verification } from './types';
