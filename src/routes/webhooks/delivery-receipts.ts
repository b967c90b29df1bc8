import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { problemResponseDoc } from '../../http/schemas/problem';
import { serviceContext } from '../../http/service-context';
import type { AppEnv } from '../../http/types';
import type { InboundWebhook } from '../../integrations/webhooks/verify/types';
import { receiveSendgridEvents, receiveTwilioStatus } from '../../services/delivery-receipts';
import { WorkspacePathParam } from './receipt';

const TwilioStatusAnswerSchema = z
  .object({
    matched: z.boolean().openapi({ description: 'A text message Leadgate sent has this `MessageSid`.', example: true }),
    updated: z
      .boolean()
      .openapi({ description: "The delivery's receipt changed (false for a repeat, or a status older than the one recorded).", example: true }),
  })
  .openapi('TwilioStatusAnswer');

const SendgridEventsAnswerSchema = z
  .object({
    received: z.number().int().openapi({ description: 'Events in the batch that could be read.', example: 3 }),
    duplicates: z.number().int().openapi({ description: 'Of those, events applied before (same `sg_event_id`): not applied again.', example: 0 }),
    skipped: z.number().int().openapi({ description: 'Events that could not be read (unknown type, missing field): acknowledged, not applied.', example: 0 }),
    updated: z.number().int().openapi({ description: 'Email deliveries whose receipt changed.', example: 1 }),
  })
  .openapi('SendgridEventsAnswer');

const refusals = {
  401: problemResponseDoc('The signature does not verify (or the integration is not configured). Nothing was changed.'),
  422: problemResponseDoc('Signed, but not a status callback / not an array of events. Nothing was changed.'),
};

function twilioStatusRoute<const P extends string>(path: P, workspaced: boolean) {
  return defineRoute('webhook', {
    method: 'post',
    path,
    tags: ['Webhooks'],
    summary: workspaced ? "Twilio's SMS status callback for a workspace" : "Twilio's SMS status callback (default workspace)",
    description:
      'The `StatusCallback` Leadgate gives Twilio with every text message. The form body is verified with `X-Twilio-Signature` ' +
      "(HMAC-SHA1 with the workspace's auth token over this URL as Leadgate publishes it, PUBLIC_API_URL, and the sorted parameters). " +
      '`MessageStatus` sent, delivered, undelivered or failed becomes the receipt of the SMS delivery with that `MessageSid`; a receipt ' +
      'never moves backwards (a late `sent` after `delivered` is ignored). `ErrorCode` 21610 (the recipient replied STOP) stops all ' +
      'further SMS to the number. An unknown `MessageSid` is answered 200 and changes nothing.',
    ...(workspaced ? { request: { params: z.object({ workspace: WorkspacePathParam }) } } : {}),
    responses: {
      200: { description: 'Verified; applied if it was news.', content: { 'application/json': { schema: TwilioStatusAnswerSchema } } },
      ...refusals,
    },
  });
}

function sendgridEventsRoute<const P extends string>(path: P, workspaced: boolean) {
  return defineRoute('webhook', {
    method: 'post',
    path,
    tags: ['Webhooks'],
    summary: workspaced ? "SendGrid's Event Webhook for a workspace" : "SendGrid's Event Webhook (default workspace)",
    description:
      "SendGrid's signed Event Webhook: `X-Twilio-Email-Event-Webhook-Signature` (ECDSA P-256 over " +
      '`X-Twilio-Email-Event-Webhook-Timestamp` and the raw body, 5-minute window) is checked with SENDGRID_EVENT_PUBLIC_KEY. ' +
      '`delivered`, `bounce`, `dropped`, `deferred` and `open` become the receipt of the email delivery whose provider reference ' +
      '(the `X-Message-Id` of the send) begins `sg_message_id`; a final state is not overwritten by a weaker one. Each `sg_event_id` ' +
      'is applied once: a batch delivered again changes nothing.',
    ...(workspaced ? { request: { params: z.object({ workspace: WorkspacePathParam }) } } : {}),
    responses: {
      200: { description: 'Verified; new events applied.', content: { 'application/json': { schema: SendgridEventsAnswerSchema } } },
      ...refusals,
    },
  });
}

/**
 * The request as the provider signed it: the raw bytes (the webhook body guard left them unread) and
 * the URL on the public origin, which is what Leadgate told Twilio, whatever host the Worker saw.
 */
async function inbound(c: Context<AppEnv>): Promise<InboundWebhook> {
  const url = new URL(c.req.url);
  return {
    method: c.req.method,
    url: `${c.var.config.core.publicOrigin}${url.pathname}${url.search}`,
    headers: c.req.raw.headers,
    rawBody: new Uint8Array(await c.req.arrayBuffer()),
  };
}

const twilioStatus = async (c: Context<AppEnv>) =>
  receiveTwilioStatus({ ctx: serviceContext(c, { actor: 'webhook:twilio' }), input: { request: await inbound(c) } });
const sendgridEvents = async (c: Context<AppEnv>) =>
  receiveSendgridEvents({ ctx: serviceContext(c, { actor: 'webhook:sendgrid' }), input: { request: await inbound(c) } });

/** Delivery receipts of text messages: Twilio's status callback. */
export const twilioStatusRouter = createRouter()
  .openapi(twilioStatusRoute('/webhooks/twilio/status', false), async (c) => c.json(await twilioStatus(c), 200))
  .openapi(twilioStatusRoute('/workspaces/{workspace}/webhooks/twilio/status', true), async (c) => c.json(await twilioStatus(c), 200));

/** Delivery receipts of emails: SendGrid's Event Webhook. */
export const sendgridEventsRouter = createRouter()
  .openapi(sendgridEventsRoute('/webhooks/sendgrid/events', false), async (c) => c.json(await sendgridEvents(c), 200))
  .openapi(sendgridEventsRoute('/workspaces/{workspace}/webhooks/sendgrid/events', true), async (c) => c.json(await sendgridEvents(c), 200));
