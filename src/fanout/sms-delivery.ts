import { eq } from 'drizzle-orm';
import { type Config, providerIsLive } from '../config';
import { sha256Hex } from '../crypto/digest';
import { type Database, openDatabase, type Queryable } from '../db/client';
import { type Delivery, deliveries, smsStopList } from '../db/schema';
import { inWorkspace } from '../db/tenant';
import { classifyTwilioError, isE164, parseTwilioErrorBody, smsSegments, transliterateToGsm } from '../domain/sms';
import { DEFAULT_WORKSPACE_ID } from '../domain/workspace';
import { captureFetch } from '../integrations/capture/capture-fetch';
import type { CaptureSink } from '../integrations/capture/capture-log';
import type { Fetcher, SendResult } from '../integrations/provider-call';
import { sendSms } from '../integrations/sms/twilio';
import type { SmsMessage } from '../integrations/sms/types';
import { describeError, logger } from '../logger';
import { findWorkspace } from '../services/workspaces';
import type { DeliveryRequest } from './types';

/**
 * The SMS rules of the fan-out: a text is planned only for an E.164 number, with the segments it costs
 * in the ledger; a number that opted out (Twilio 21610) gets nothing more, without asking Twilio; an
 * invalid number fails without retry; Twilio reports the message's fate to the status callback
 * (services/delivery-receipts.ts).
 */

/** What a stopped number's deliveries fail with, on the send that found out and on every one after it. */
export const OPTED_OUT_ERROR = 'recipient opted out (21610)';

/**
 * One `sms` delivery, or none when `to` is not E.164. With SMS_TRANSLITERATE the body is spelled in
 * GSM-7 (no diacritics: 160 characters a part instead of 70); the payload counts the parts and names
 * the encoding of the body that is sent.
 */
export function smsRequest(config: Config, input: { key: string; leadId?: string | null; to: string; body: string }): DeliveryRequest[] {
  if (!isE164(input.to)) return [];
  const spelled = config.sms.transliterate ? transliterateToGsm(input.body) : null;
  const body = spelled?.text ?? input.body;
  const { segments, encoding } = spelled?.after ?? smsSegments(body);
  return [
    {
      destination: 'sms',
      key: input.key,
      leadId: input.leadId ?? null,
      payload: { to: input.to, body, segments, encoding, transliterated: spelled?.changed ?? false },
    },
  ];
}

// ───────────────────────────── the stop list ─────────────────────────────

/** A number as the stop list keeps it: hex SHA-256 of its E.164 spelling. */
const numberHash = (number: string) => sha256Hex(number.trim());

export async function isStopped(db: Queryable, number: string): Promise<boolean> {
  const [row] = await db
    .select({ hash: smsStopList.numberHash })
    .from(smsStopList)
    .where(eq(smsStopList.numberHash, await numberHash(number)))
    .limit(1);
  return row !== undefined;
}

/** No more SMS to `number` in the transaction's workspace; stopping a stopped number changes nothing. */
export async function stopNumber(db: Queryable, number: string, reason: string, deliveryId: string | null): Promise<void> {
  await db
    .insert(smsStopList)
    .values({ numberHash: await numberHash(number), reason, deliveryId })
    .onConflictDoNothing();
}

// ───────────────────────────── sending ─────────────────────────────

const liveFetch: Fetcher = (request) => fetch(request);

/** Where Twilio posts this workspace's status callbacks (the default workspace's path has no slug). */
async function statusCallbackUrl(env: Env, db: Database, config: Config, workspaceId: string): Promise<string> {
  const origin = config.core.publicOrigin;
  const workspace = workspaceId === DEFAULT_WORKSPACE_ID ? null : await findWorkspace(env, db, { id: workspaceId });
  return workspace ? `${origin}/api/v1/workspaces/${workspace.slug}/webhooks/twilio/status` : `${origin}/api/v1/webhooks/twilio/status`;
}

/**
 * Sends one `sms` delivery through Twilio (or its capture twin). The delivery worker has no database
 * handle to lend its destinations, so this opens one of its own for the stop list and the Message SID.
 * Once Twilio accepted the message nothing here fails the send: a write that does not go through is
 * logged, never retried (that would text the person twice).
 */
export async function sendSmsDelivery(capture: CaptureSink, config: Config, d: Delivery): Promise<SendResult> {
  const { sms, delivery } = config;
  const live = providerIsLive(delivery, 'twilio');
  if (live && !(sms.accountSid && sms.authToken && sms.from)) return { ok: false, retryable: false, error: 'Twilio is not configured' };
  const message = d.payload as unknown as SmsMessage;
  const { db, close } = openDatabase(config.core);
  const here = <T>(fn: (tx: Queryable) => Promise<T>) => inWorkspace(db, d.workspaceId, fn);
  try {
    if (await here((tx) => isStopped(tx, message.to))) return { ok: false, retryable: false, error: OPTED_OUT_ERROR };

    // Twilio's error body says what a refusal means for the number; callProvider keeps only its start.
    const refusal: { text?: string } = {};
    const base = live ? liveFetch : captureFetch(capture, 'sms', 'twilio');
    const fetcher: Fetcher = async (request) => {
      const res = await base(request);
      if (!res.ok) refusal.text = await res.clone().text();
      return res;
    };
    const result = await sendSms(
      fetcher,
      {
        accountSid: sms.accountSid ?? 'ACcapture',
        authToken: sms.authToken ?? 'capture',
        from: sms.from ?? '+15005550006',
        apiUrl: sms.apiUrl,
        timeoutMs: delivery.timeoutMs,
        statusCallback: await statusCallbackUrl(capture.env, db, config, d.workspaceId),
      },
      message,
    );

    if (result.ok) {
      // The SID goes on the row at once (the batch settles later), so a quick callback finds it; a
      // replayed message starts its receipt afresh.
      const sid = result.reference;
      if (sid)
        await here((tx) =>
          tx.update(deliveries).set({ providerReference: sid, receiptStatus: null, receiptAt: null, receiptDetail: null }).where(eq(deliveries.id, d.id)),
        ).catch((err: unknown) => logger.warn('sms.reference_not_recorded', { delivery_id: d.id, error: describeError(err) }));
      return result;
    }

    const twilio = refusal.text === undefined ? null : parseTwilioErrorBody(refusal.text);
    if (!twilio) return result;
    const code = twilio.code ?? undefined;
    const said = `Twilio ${code ?? `HTTP ${result.statusCode}`}: ${twilio.message ?? 'no message'}`.slice(0, 500);
    switch (classifyTwilioError({ code, httpStatus: result.statusCode })) {
      case 'opted_out':
        await here((tx) => stopNumber(tx, message.to, 'twilio 21610 on send', d.id)).catch((err: unknown) =>
          logger.error('sms.stop_not_recorded', { delivery_id: d.id, error: describeError(err) }),
        );
        return { ok: false, retryable: false, statusCode: result.statusCode, error: OPTED_OUT_ERROR };
      case 'invalid_number':
        return { ok: false, retryable: false, statusCode: result.statusCode, error: `invalid number (${said})` };
      case 'retryable':
        return { ...result, retryable: true, error: said };
      case 'failed':
        return { ...result, retryable: false, error: said };
    }
  } finally {
    await close();
  }
}
