/** An outbound Standard Webhooks notification (e.g. to the product when a trial is unlocked). */
export interface OutboundWebhook {
  type: string;
  data: Record<string, unknown>;
}
