import { createRouter } from '../../http/router';
import { receiveCrmUpdate } from './crm-update';
import { sendgridEventsRouter, twilioStatusRouter } from './delivery-receipts';
import { getWebhookEventHandler } from './get-webhook-event';
import { listWebhookEventsHandler } from './list-webhook-events';
import { receiveProviderWebhook } from './receive-webhook';
import { replayWebhookEventHandler } from './replay-webhook-event';

/**
 * Inbound CRM webhooks (signed by the provider): POST /webhooks/crm-update, POST /webhooks/{provider}.
 * Delivery receipts (signed by the provider): POST /webhooks/twilio/status, POST /webhooks/sendgrid/events.
 * Admin (API key, declared on each route): GET /webhook-events, POST /webhook-events/{id}/replay.
 * crm-update is registered first so that it is not read as a provider name.
 */
export const webhooksRouter = createRouter()
  .route('/', receiveCrmUpdate)
  .route('/', receiveProviderWebhook)
  .route('/', twilioStatusRouter)
  .route('/', sendgridEventsRouter)
  .route('/', listWebhookEventsHandler)
  .route('/', replayWebhookEventHandler)
  .route('/', getWebhookEventHandler);
