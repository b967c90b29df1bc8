-- Workspaces: one deployment serves several sites, isolated by Postgres itself.
--
-- 1. A `workspaces` table and the default workspace every existing row moves into (a single-site
--    deployment keeps working with no change to its configuration).
-- 2. `workspace_id` on every tenant table, filled from the transaction's `app.workspace_id` when an
--    insert leaves it out; uniqueness per workspace.
-- 3. Row-level security, forced, on every tenant table: a transaction sees and writes only the rows of
--    the workspace it set with set_config('app.workspace_id', …, true); with none set it sees nothing.
-- 4. The role the Worker connects as, `leadgate_app`: made here, in SQL, so it has no BYPASSRLS (roles
--    made in Neon's console have it). It gets a password and LOGIN from the operator (README, deploying).
-- 5. The few look-ups that must happen before a workspace is known (a site key, a webhook path, an API
--    key's prefix) as SECURITY DEFINER functions that return only what they are for.
CREATE TABLE "workspaces" (
	"id" uuid PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"site_key" text NOT NULL,
	CONSTRAINT "workspaces_slug_format" CHECK ("slug" ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"secrets" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workspaces_slug_unique" UNIQUE("slug"),
	CONSTRAINT "workspaces_site_key_unique" UNIQUE("site_key")
);
--> statement-breakpoint
INSERT INTO "workspaces" ("id", "slug", "name", "site_key")
VALUES ('4c9f6b1e-5d1a-4f2b-9e3c-000000000001', 'default', 'Default', 'lg_site_' || replace(gen_random_uuid()::text, '-', ''))
ON CONFLICT DO NOTHING;
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"hash" text NOT NULL,
	"scopes" text[] NOT NULL,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_prefix_key" ON "api_keys" USING btree ("prefix");--> statement-breakpoint
CREATE INDEX "api_keys_workspace_idx" ON "api_keys" USING btree ("workspace_id","created_at");--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['leads', 'lead_events', 'calculator_submissions', 'content_downloads', 'deliveries', 'delivery_attempts', 'industry_benchmarks', 'webhook_events', 'demo_bookings', 'events'] LOOP
    EXECUTE format('ALTER TABLE %I ADD COLUMN "workspace_id" uuid', t);
    EXECUTE format('UPDATE %I SET "workspace_id" = %L', t, '4c9f6b1e-5d1a-4f2b-9e3c-000000000001');
    EXECUTE format('ALTER TABLE %I ALTER COLUMN "workspace_id" SET NOT NULL, ALTER COLUMN "workspace_id" SET DEFAULT nullif(current_setting(''app.workspace_id'', true), '''')::uuid', t);
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade', t, t || '_workspace_id_workspaces_id_fk');
  END LOOP;
END $$;
--> statement-breakpoint
DROP INDEX "leads_email_normalized_key";--> statement-breakpoint
CREATE UNIQUE INDEX "leads_workspace_email_key" ON "leads" USING btree ("workspace_id","email_normalized");--> statement-breakpoint
DROP INDEX "webhook_events_provider_delivery_key";--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_events_workspace_provider_delivery_key" ON "webhook_events" USING btree ("workspace_id","provider","delivery_id") WHERE verified;--> statement-breakpoint
ALTER TABLE "industry_benchmarks" DROP CONSTRAINT "industry_benchmarks_pkey";--> statement-breakpoint
ALTER TABLE "industry_benchmarks" ADD CONSTRAINT "industry_benchmarks_workspace_id_industry_pk" PRIMARY KEY("workspace_id","industry");--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['leads', 'lead_events', 'calculator_submissions', 'content_downloads', 'deliveries', 'delivery_attempts', 'industry_benchmarks', 'webhook_events', 'demo_bookings', 'events', 'api_keys'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY workspace_isolation ON %I USING ("workspace_id" = nullif(current_setting(''app.workspace_id'', true), '''')::uuid) WITH CHECK ("workspace_id" = nullif(current_setting(''app.workspace_id'', true), '''')::uuid)', t);
  END LOOP;
END $$;
--> statement-breakpoint
-- The workspace itself: a transaction reads and changes only its own row; creating one means setting
-- its id first (the CLI does), so no transaction can write another workspace's row.
ALTER TABLE "workspaces" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "workspaces" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY workspace_isolation ON "workspaces" USING ("id" = nullif(current_setting('app.workspace_id', true), '')::uuid) WITH CHECK ("id" = nullif(current_setting('app.workspace_id', true), '')::uuid);--> statement-breakpoint
-- The directory functions below run as the migrations' role, which bypasses row-level security (Neon's
-- owner role and a local superuser do; the README's deploy guide says so).
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'leadgate_app') THEN
    CREATE ROLE leadgate_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
END $$;
--> statement-breakpoint
-- A leadgate_app made earlier by hand must not bypass row-level security (a superuser may not be
-- needed to check, but it would be to change it: on Neon the migration runs as the owner, not a superuser).
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'leadgate_app' AND (rolsuper OR rolbypassrls)) THEN
    RAISE EXCEPTION 'role leadgate_app bypasses row-level security (SUPERUSER or BYPASSRLS); drop it, or make it NOSUPERUSER NOBYPASSRLS, then migrate again';
  END IF;
END $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO leadgate_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO leadgate_app;--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO leadgate_app;--> statement-breakpoint
-- Its own workspace row: the Worker reads it and changes its settings, nothing else (the CLI creates workspaces).
REVOKE INSERT, UPDATE, DELETE ON "workspaces" FROM leadgate_app;--> statement-breakpoint
GRANT UPDATE ("settings", "secrets", "updated_at") ON "workspaces" TO leadgate_app;--> statement-breakpoint
-- What a request needs to know of the workspace its site key, webhook path or API key names.
CREATE FUNCTION leadgate_workspace_by_site_key(key text) RETURNS TABLE (id uuid, slug text, name text, site_key text, settings jsonb, secrets jsonb, updated_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT w.id, w.slug, w.name, w.site_key, w.settings, w.secrets, w.updated_at FROM workspaces w WHERE w.site_key = key
$$;
--> statement-breakpoint
CREATE FUNCTION leadgate_workspace_by_slug(wanted text) RETURNS TABLE (id uuid, slug text, name text, site_key text, settings jsonb, secrets jsonb, updated_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT w.id, w.slug, w.name, w.site_key, w.settings, w.secrets, w.updated_at FROM workspaces w WHERE w.slug = wanted
$$;
--> statement-breakpoint
CREATE FUNCTION leadgate_workspace_by_id(wanted uuid) RETURNS TABLE (id uuid, slug text, name text, site_key text, settings jsonb, secrets jsonb, updated_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT w.id, w.slug, w.name, w.site_key, w.settings, w.secrets, w.updated_at FROM workspaces w WHERE w.id = wanted
$$;
--> statement-breakpoint
-- Every workspace: the cron sweep walks them one transaction each; CORS allows the origins of all sites.
CREATE FUNCTION leadgate_workspace_list() RETURNS TABLE (id uuid, slug text, name text, site_key text, settings jsonb, secrets jsonb, updated_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT w.id, w.slug, w.name, w.site_key, w.settings, w.secrets, w.updated_at FROM workspaces w ORDER BY w.created_at, w.id
$$;
--> statement-breakpoint
-- An API key by its public prefix: the caller compares the hash (in constant time) and checks the rest.
CREATE FUNCTION leadgate_api_key_by_prefix(key_prefix text) RETURNS TABLE (id uuid, workspace_id uuid, name text, hash text, scopes text[], expires_at timestamptz, revoked_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT k.id, k.workspace_id, k.name, k.hash, k.scopes, k.expires_at, k.revoked_at FROM api_keys k WHERE k.prefix = key_prefix
$$;
--> statement-breakpoint
-- When a key was last used, at most once a minute.
CREATE FUNCTION leadgate_api_key_used(key_id uuid) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  UPDATE api_keys SET last_used_at = now() WHERE id = key_id AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION leadgate_workspace_by_site_key(text), leadgate_workspace_by_slug(text), leadgate_workspace_by_id(uuid), leadgate_workspace_list(), leadgate_api_key_by_prefix(text), leadgate_api_key_used(uuid) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION leadgate_workspace_by_site_key(text), leadgate_workspace_by_slug(text), leadgate_workspace_by_id(uuid), leadgate_workspace_list(), leadgate_api_key_by_prefix(text), leadgate_api_key_used(uuid) TO leadgate_app;
--> statement-breakpoint
-- Scopes a key may hold (src/domain/workspace.ts SCOPES): at least one, none unknown.
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_scopes_known" CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['leads:read', 'leads:write', 'pipeline:write', 'sales:write', 'deliveries:replay', 'settings:write', 'admin']::text[]);
--> statement-breakpoint
-- The one way an API key is made (the admin API and `npm run api-key` both call it): `lg_` + 12 hex of
-- prefix, `_`, 64 hex of secret (244 random bits); only the SHA-256 of the whole key is kept. Runs with
-- the caller's rights, so row-level security decides which workspace it may write.
CREATE FUNCTION leadgate_issue_api_key(ws uuid, key_name text, key_scopes text[], key_expires timestamptz)
RETURNS TABLE (id uuid, prefix text, key text, created_at timestamptz)
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, public, pg_temp AS $$
-- A UUIDv7 (48-bit milliseconds, then random bits), like every other id, so lists sort newest first.
DECLARE new_id uuid := encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid;
DECLARE new_prefix text := 'lg_' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 12);
DECLARE new_key text := new_prefix || '_' || replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '');
BEGIN
  INSERT INTO api_keys (id, workspace_id, name, prefix, hash, scopes, expires_at)
  VALUES (new_id, ws, key_name, new_prefix, encode(sha256(convert_to(new_key, 'UTF8')), 'hex'), key_scopes, key_expires);
  RETURN QUERY SELECT new_id, new_prefix, new_key, now();
END $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION leadgate_issue_api_key(uuid, text, text[], timestamptz) TO leadgate_app;
--> statement-breakpoint
-- A new site (`npm run workspace -- create`, as the database owner): a site key of its own, and the
-- default workspace's benchmarks to start from (marketing edits them per site afterwards).
CREATE FUNCTION leadgate_create_workspace(new_slug text, new_name text) RETURNS TABLE (id uuid, slug text, site_key text)
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE new_id uuid := gen_random_uuid();
DECLARE new_key text := 'lg_site_' || replace(gen_random_uuid()::text, '-', '');
BEGIN
  INSERT INTO workspaces (id, slug, name, site_key) VALUES (new_id, new_slug, new_name, new_key);
  INSERT INTO industry_benchmarks (workspace_id, industry, expected_churn_reduction_percent, implementation_cost, time_to_value_months, source)
  SELECT new_id, b.industry, b.expected_churn_reduction_percent, b.implementation_cost, b.time_to_value_months, b.source
  FROM industry_benchmarks b WHERE b.workspace_id = '4c9f6b1e-5d1a-4f2b-9e3c-000000000001';
  RETURN QUERY SELECT new_id, new_slug, new_key;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION leadgate_create_workspace(text, text) FROM PUBLIC;
