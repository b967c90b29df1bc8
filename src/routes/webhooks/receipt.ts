import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ProblemSchema } from '../../http/schemas/common';
import { serviceContext } from '../../http/service-context';
import type { AppEnv } from '../../http/types';
import type { WebhookProvider } from '../../integrations/webhooks/verify';
import { decodeBody } from '../../integrations/webhooks/verify/body';
import { mondayChallenge } from '../../integrations/webhooks/verify/monday';
import { ServiceError } from '../../services/errors';
import { type Receipt, receiveWebhook } from '../../services/receive-webhook';

export const WebhookReceiptSchema = z
  .object({
    id: z.uuid().openapi({
      description: 'The recorded webhook event: `GET /api/v1/webhook-events/{id}` (admin) shows it and what applying it did.',
      example: '01936f0e-8c2a-7b3e-9d4f-5a6b7c8d9e0f',
    }),
    duplicate: z.boolean().openapi({ description: 'True when this delivery id was received before: acknowledged, not applied again.', example: false }),
  })
  .openapi('WebhookReceipt');

export const MondayChallengeSchema = z
  .object({
    challenge: z
      .string()
      .openapi({ description: "Echo of monday.com's URL verification challenge.", example: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' }),
  })
  .openapi('MondayChallenge');

export { WorkspacePathParam } from '../../http/schemas/common';

export const webhookResponses = {
  200: {
    description: 'Verified and recorded; the lead is updated within seconds. monday.com\'s `{"challenge"}` handshake is answered with the same JSON.',
    content: { 'application/json': { schema: z.union([WebhookReceiptSchema, MondayChallengeSchema]) } },
  },
  401: {
    description: 'Not authenticated (signature, credentials, token or timestamp). Nothing was applied.',
    content: { 'application/problem+json': { schema: ProblemSchema } },
  },
  400: { description: 'Authenticated, but the body is not JSON. Nothing was recorded.', content: { 'application/problem+json': { schema: ProblemSchema } } },
  413: { description: 'The body is larger than the limit.', content: { 'application/problem+json': { schema: ProblemSchema } } },
  422: {
    description: 'Authenticated, but the JSON is nested too deeply to store. Nothing was recorded.',
    content: { 'application/problem+json': { schema: ProblemSchema } },
  },
} as const;

/**
 * Shared by /webhooks/{provider} and /webhooks/crm-update. The raw bytes are what is verified: the body
 * middleware only checked their size (and left them cached by Hono as bytes); nothing decodes or
 * parses them before the check passes.
 */
export async function answerWebhook(c: Context<AppEnv>, provider: WebhookProvider): Promise<{ challenge: string } | Receipt> {
  const rawBody = new Uint8Array(await c.req.arrayBuffer());
  if (provider === 'monday') {
    const challenge = mondayChallenge(decodeBody(rawBody));
    if (challenge !== null) {
      // Only a configured integration completes the handshake; an unconfigured one refuses like any call.
      if (!c.var.config.inboundWebhooks.monday.signingSecret) throw new ServiceError('unauthorized', { detail: 'The webhook could not be authenticated.' });
      return { challenge };
    }
  }
  return receiveWebhook({
    ctx: serviceContext(c, { actor: `webhook:${provider}` }),
    input: { provider, request: { method: c.req.method, url: c.req.url, headers: c.req.raw.headers, rawBody } },
  });
}
