import { eq } from 'drizzle-orm';
import { deliveries, leads } from '../../src/db/schema';
import { database, eventually } from '../support/api';
import { providerCalls } from '../support/msw';

/** What GA4 received for a bot user: the payloads whose client_id is the SHA-256 of their id. */
export async function ga4For(botUserId: string | number): Promise<any[]> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(String(botUserId)));
  const hash = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return providerCalls.filter((c) => c.provider === 'ga4' && JSON.parse(c.body).client_id === hash).map((c) => JSON.parse(c.body));
}

/** The SendGrid requests addressed to `email`. */
export const emailsTo = (email: string): any[] =>
  providerCalls
    .filter((c) => c.provider === 'sendgrid')
    .map((c) => JSON.parse(c.body))
    .filter((b) => b.personalizations[0].to.some((t: { email: string }) => t.email === email));

/** The bodies of the texts Twilio was asked to send to `phone`. */
export const textsTo = (phone: string) =>
  providerCalls.filter((c) => c.provider === 'twilio' && new URLSearchParams(c.body).get('To') === phone).map((c) => new URLSearchParams(c.body).get('Body'));

/** The person's lead, once it is stored and none of its deliveries is pending any more. */
export async function settledLead(email: string) {
  const { db, close } = database();
  try {
    const lead = await eventually(async () => (await db.select().from(leads).where(eq(leads.email, email)))[0]);
    await eventually(async () => {
      const rows = await db.select().from(deliveries).where(eq(deliveries.leadId, lead.id));
      return rows.length > 0 && rows.every((r) => r.status !== 'pending');
    }, 20_000);
    return lead;
  } finally {
    await close();
  }
}
