import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { ServiceError } from '../../services/errors';
import { answerWebhook, webhookResponses } from './receipt';

export const crmUpdateRoute = defineRoute('webhook', {
  method: 'post',
  path: '/webhooks/crm-update',
  tags: ['Webhooks'],
  summary: "Receive the configured CRM's webhook",
  description: 'The same as `/webhooks/{provider}` for the provider named by `CRM_WEBHOOK_PROVIDER`. Not configured: 404.',
  responses: {
    ...webhookResponses,
    404: {
      description: 'No CRM_WEBHOOK_PROVIDER is configured.',
      content: { 'application/problem+json': { schema: webhookResponses[401].content['application/problem+json'].schema } },
    },
  },
});

export const receiveCrmUpdate = createRouter().openapi(crmUpdateRoute, async (c) => {
  const provider = c.var.config.inboundWebhooks.crmUpdateProvider;
  if (!provider) throw new ServiceError('not_found', { detail: 'No such endpoint.' });
  return c.json(await answerWebhook(c, provider), 200);
});
