export interface SmsMessage {
  /** E.164. */
  to: string;
  body: string;
}
