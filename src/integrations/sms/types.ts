export interface SmsMessage {
  /** E.164. */
  to: string;
  body: string;
  /** The parts `body` is billed as, counted when the delivery was planned (fanout/sms-delivery.ts `smsRequest`). */
  segments?: number;
  /** Polish diacritics make a body UCS-2 (70 characters a part, 67 when split); GSM-7 holds 160 (153). */
  encoding?: 'GSM-7' | 'UCS-2';
  /** True when `body` is the GSM-7 spelling (SMS_TRANSLITERATE) of a text that had diacritics. */
  transliterated?: boolean;
}
