import { z } from '@hono/zod-openapi';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { WEBHOOK_PROVIDERS } from '../../integrations/webhooks/verify';
import { answerWebhook, WorkspacePathParam, webhookResponses } from './receipt';

const ProviderParam = z.enum(WEBHOOK_PROVIDERS).openapi({ param: { name: 'provider', in: 'path' }, description: 'Who is calling.', example: 'hubspot' });

function receiveWebhookRoute<const P extends string>(path: P, workspaced: boolean) {
  return defineRoute('webhook', {
    method: 'post',
    path,
    tags: ['Webhooks'],
    summary: workspaced ? 'Receive a CRM webhook for a workspace' : 'Receive a CRM webhook (default workspace)',
    description:
      'Verified on the raw body, with the secrets of the workspace in the path (`/webhooks/{provider}` is the default ' +
      "workspace's), before anything reads it: `hubspot` — `X-HubSpot-Signature-v3` with `X-HubSpot-Request-Timestamp` " +
      '(5-minute window); `pipedrive` — the HTTP Basic credentials set on the webhook; `monday` — the `Authorization` JWT signed with ' +
      'the app\'s signing secret (and the `{"challenge"}` handshake); `standard` — Standard Webhooks `webhook-id`, `webhook-timestamp`, ' +
      '`webhook-signature`. Each delivery id is applied once; a repeat is acknowledged with `duplicate: true`.',
    request: { params: workspaced ? z.object({ workspace: WorkspacePathParam, provider: ProviderParam }) : z.object({ provider: ProviderParam }) },
    responses: webhookResponses,
  });
}

export const receiveProviderWebhook = createRouter()
  .openapi(receiveWebhookRoute('/webhooks/{provider}', false), async (c) => c.json(await answerWebhook(c, c.req.valid('param').provider), 200))
  .openapi(receiveWebhookRoute('/workspaces/{workspace}/webhooks/{provider}', true), async (c) =>
    c.json(await answerWebhook(c, c.req.valid('param').provider), 200),
  );
