export interface EmailAddress {
  email: string;
  name?: string;
}

export interface EmailAttachment {
  filename: string;
  /** e.g. "text/calendar; method=REQUEST" */
  contentType: string;
  /** UTF-8 text content (an .ics, a CSV…). */
  content: string;
}

/** An email to send, by template name (src/integrations/email/templates) and its data. */
export interface EmailMessage {
  template: string;
  to: EmailAddress[];
  data: Record<string, unknown>;
  replyTo?: EmailAddress;
  attachments?: EmailAttachment[];
}
