export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** A template renders its data to a subject, a plain-text and an HTML body (escape everything from users). */
export type EmailTemplate = (data: Record<string, unknown>) => RenderedEmail;
