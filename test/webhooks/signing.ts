import { env } from 'cloudflare:workers';
import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { loadConfig } from '../../src/config';
import { leads } from '../../src/db/schema';
import { call, database } from '../support/api';
import { insertLead } from '../support/leads';

/**
 * Senders as the providers sign (node:crypto here, independent of the Worker's WebCrypto code), so a
 * test fails if the Worker's verification drifts from the providers' algorithms.
 */
export const ORIGIN = 'https://api.example.com';
const config = loadConfig(env);
export const HUBSPOT_SECRET = config.inboundWebhooks.hubspot.clientSecret!;
export const MONDAY_SECRET = config.inboundWebhooks.monday.signingSecret!;
export const [STANDARD_NEW, STANDARD_OLD] = config.inboundWebhooks.standard.secrets as [string, string];

/** `body` as bytes is signed as those bytes (a string as its UTF-8). */
export function hubspotHeaders(path: string, body: string | Uint8Array, opts: { secret?: string; timestamp?: number } = {}): Record<string, string> {
  const timestamp = String(opts.timestamp ?? Date.now());
  const signature = createHmac('sha256', opts.secret ?? HUBSPOT_SECRET)
    .update(`POST${ORIGIN}${path}`)
    .update(body)
    .update(timestamp)
    .digest('base64');
  return { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp };
}

export function standardHeaders(body: string | Uint8Array, opts: { secret?: string; id?: string; timestamp?: number } = {}): Record<string, string> {
  const id = opts.id ?? `msg_${crypto.randomUUID()}`;
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const key = Buffer.from((opts.secret ?? STANDARD_NEW).replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}

export function pipedriveHeaders(user = config.inboundWebhooks.pipedrive.user!, password = config.inboundWebhooks.pipedrive.password!): Record<string, string> {
  return { authorization: `Basic ${btoa(`${user}:${password}`)}` };
}

/** monday.com's Authorization JWT: HS256 with the signing secret, a few minutes to live. */
export async function mondayToken(opts: { secret?: string; expiresIn?: string | number; aud?: string } = {}): Promise<string> {
  const jwt = new SignJWT({ accountId: 1825528, userId: 4012689, shortLivedToken: 'SHORT_LIVED_TOKEN' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '5m');
  if (opts.aud) jwt.setAudience(opts.aud);
  return jwt.sign(new TextEncoder().encode(opts.secret ?? MONDAY_SECRET));
}

/** Posts `body` as it is: a string as UTF-8, bytes untouched (a BOM, invalid UTF-8 and all). */
export function postRaw(path: string, body: string | Uint8Array, headers: Record<string, string>): Promise<Response> {
  return call(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

/**
 * A lead written straight to Postgres (as the events consumer would), so each test owns its data. A
 * `sale` stage makes it a lead a manager transferred, whose sale is in that stage.
 */
export async function createLead(email: string, fields: Omit<Parameters<typeof insertLead>[1], 'email'> = {}): Promise<string> {
  const { db, close } = database();
  try {
    return await insertLead(db, { companyDomain: 'acme-test.com', ...fields, email });
  } finally {
    await close();
  }
}

export async function leadById(id: string) {
  const { db, close } = database();
  try {
    return (await db.select().from(leads).where(eq(leads.id, id)))[0]!;
  } finally {
    await close();
  }
}

/** monday.com's update_column_value webhook for a status label on item `pulseId`, as monday sends it. */
export function mondayStatusChange(pulseId: number, pulseName: string, label: string): string {
  return JSON.stringify({
    event: {
      userId: 9603417,
      originalTriggerUuid: null,
      boardId: 1771812698,
      groupId: 'topics',
      pulseId,
      pulseName,
      columnId: 'status',
      columnType: 'color',
      columnTitle: 'Status',
      value: { label: { index: 1, text: label, style: { color: '#fdab3d', border: '#e99729', var_name: 'orange' }, is_done: false }, post_id: null },
      previousValue: null,
      changedAt: Date.now() / 1000,
      isTopGroup: true,
      app: 'monday',
      type: 'update_column_value',
      triggerTime: new Date().toISOString(),
      subscriptionId: 73759690,
      triggerUuid: crypto.randomUUID(),
    },
  });
}
