ALTER TABLE "leads" ADD COLUMN "stated_at" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
-- Leads written before: every field they hold counts as stated when they were last seen.
UPDATE "leads" SET "stated_at" = jsonb_strip_nulls(jsonb_build_object(
  'email', (extract(epoch FROM "last_seen_at") * 1000)::bigint,
  'name', CASE WHEN "name" IS NOT NULL THEN (extract(epoch FROM "last_seen_at") * 1000)::bigint END,
  'company', CASE WHEN "company" IS NOT NULL THEN (extract(epoch FROM "last_seen_at") * 1000)::bigint END,
  'company_domain', CASE WHEN "company_domain" IS NOT NULL THEN (extract(epoch FROM "last_seen_at") * 1000)::bigint END,
  'phone', CASE WHEN "phone" IS NOT NULL THEN (extract(epoch FROM "last_seen_at") * 1000)::bigint END,
  'consent.marketing', CASE WHEN "consent" ? 'marketing' THEN (extract(epoch FROM "last_seen_at") * 1000)::bigint END,
  'consent.analytics', CASE WHEN "consent" ? 'analytics' THEN (extract(epoch FROM "last_seen_at") * 1000)::bigint END,
  'consent.sms', CASE WHEN "consent" ? 'sms' THEN (extract(epoch FROM "last_seen_at") * 1000)::bigint END
));
