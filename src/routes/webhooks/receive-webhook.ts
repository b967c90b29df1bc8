import { z } from '@hono/zod-openapi';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { WEBHOOK_PROVIDERS } from '../../integrations/webhooks/verify';
import { answerWebhook, webhookResponses } from './receipt';

export const receiveWebhookRoute = defineRoute('webhook', {
  method: 'post',
  path: '/webhooks/{provider}',
  tags: ['Webhooks'],
  summary: 'Receive a CRM webhook',
  description:
    'Verified on the raw body before anything reads it: `hubspot` — `X-HubSpot-Signature-v3` with `X-HubSpot-Request-Timestamp` ' +
    '(5-minute window); `pipedrive` — the HTTP Basic credentials set on the webhook; `monday` — the `Authorization` JWT signed with ' +
    'the app\'s signing secret (and the `{"challenge"}` handshake); `standard` — Standard Webhooks `webhook-id`, `webhook-timestamp`, ' +
    '`webhook-signature`. Each delivery id is applied once; a repeat is acknowledged with `duplicate: true`.',
  request: {
    params: z.object({
      provider: z.enum(WEBHOOK_PROVIDERS).openapi({ param: { name: 'provider', in: 'path' }, description: 'Who is calling.', example: 'hubspot' }),
    }),
  },
  responses: webhookResponses,
});

export const receiveProviderWebhook = createRouter().openapi(receiveWebhookRoute, async (c) => {
  const { provider } = c.req.valid('param');
  return c.json(await answerWebhook(c, provider), 200);
});
