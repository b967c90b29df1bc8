import { z } from '@hono/zod-openapi';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { ServiceError } from '../../services/errors';
import { answerWebhook, WorkspacePathParam, webhookResponses } from './receipt';

function crmUpdateRoute<const P extends string>(path: P, workspaced: boolean) {
  return defineRoute('webhook', {
    method: 'post',
    path,
    tags: ['Webhooks'],
    summary: workspaced ? "Receive a workspace's configured CRM webhook" : "Receive the configured CRM's webhook (default workspace)",
    description:
      "The same as `…/webhooks/{provider}` for the provider the workspace's `crm_webhook_provider` (CRM_WEBHOOK_PROVIDER) names. Not configured: 404.",
    ...(workspaced ? { request: { params: z.object({ workspace: WorkspacePathParam }) } } : {}),
    responses: {
      ...webhookResponses,
      404: {
        description: 'No such workspace, or it has no CRM webhook provider configured.',
        content: { 'application/problem+json': { schema: webhookResponses[401].content['application/problem+json'].schema } },
      },
    },
  });
}

async function answer(c: Parameters<typeof answerWebhook>[0]) {
  const provider = c.var.config.inboundWebhooks.crmUpdateProvider;
  if (!provider) throw new ServiceError('not_found', { detail: 'No such endpoint.' });
  return answerWebhook(c, provider);
}

export const receiveCrmUpdate = createRouter()
  .openapi(crmUpdateRoute('/webhooks/crm-update', false), async (c) => c.json(await answer(c), 200))
  .openapi(crmUpdateRoute('/workspaces/{workspace}/webhooks/crm-update', true), async (c) => c.json(await answer(c), 200));
