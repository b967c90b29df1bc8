-- The lead pipeline (src/domain/pipeline.ts): stages instead of the old status, sales, analyses, and an
-- append-only, hash-chained audit log.
--
-- Existing leads keep their place: customer → transferred with a paid sale, transferred → transferred
-- with a new sale, the rest keep their stage (new, contacted, qualified, lost).
CREATE TABLE "analyses" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid NOT NULL,
	"lead_id" uuid NOT NULL,
	"input" jsonb NOT NULL,
	"input_hash" text NOT NULL,
	"output" jsonb NOT NULL,
	"model" text NOT NULL,
	"latency_ms" integer NOT NULL,
	"trigger" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_heads" (
	"workspace_id" uuid PRIMARY KEY DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid NOT NULL,
	"seq" bigint NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"workspace_id" uuid DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid NOT NULL,
	"seq" bigint DEFAULT 0 NOT NULL,
	"id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"lead_id" uuid,
	"sale_id" uuid,
	"from" text,
	"to" text,
	"reason" text,
	"request_id" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"prev_hash" text DEFAULT '' NOT NULL,
	"hash" text DEFAULT '' NOT NULL,
	CONSTRAINT "audit_log_workspace_id_seq_pk" PRIMARY KEY("workspace_id","seq")
);
--> statement-breakpoint
CREATE TABLE "sales" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid NOT NULL,
	"lead_id" uuid NOT NULL,
	"stage" text DEFAULT 'new' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"score_at_transfer" numeric(4, 3),
	"analysis_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "stage" text DEFAULT 'new' NOT NULL;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "business_domain" text;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "score" numeric(4, 3);--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "analyzed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "analyses" ADD CONSTRAINT "analyses_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analyses" ADD CONSTRAINT "analyses_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_heads" ADD CONSTRAINT "audit_heads_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales" ADD CONSTRAINT "sales_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales" ADD CONSTRAINT "sales_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "analyses_lead_idx" ON "analyses" USING btree ("lead_id","created_at");--> statement-breakpoint
CREATE INDEX "analyses_cache_idx" ON "analyses" USING btree ("lead_id","input_hash","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "audit_log_id_key" ON "audit_log" USING btree ("id");--> statement-breakpoint
CREATE INDEX "audit_log_lead_idx" ON "audit_log" USING btree ("lead_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "sales_lead_key" ON "sales" USING btree ("lead_id");--> statement-breakpoint
CREATE INDEX "sales_workspace_stage_idx" ON "sales" USING btree ("workspace_id","stage","id");--> statement-breakpoint
CREATE INDEX "leads_workspace_stage_idx" ON "leads" USING btree ("workspace_id","stage","id");
--> statement-breakpoint
UPDATE "leads" SET "stage" = CASE "status" WHEN 'customer' THEN 'transferred' WHEN 'transferred' THEN 'transferred' WHEN 'contacted' THEN 'contacted' WHEN 'qualified' THEN 'qualified' WHEN 'lost' THEN 'lost' ELSE 'new' END;
--> statement-breakpoint
INSERT INTO "sales" ("id", "workspace_id", "lead_id", "stage", "created_at", "updated_at", "closed_at")
SELECT gen_random_uuid(), "workspace_id", "id", CASE "status" WHEN 'customer' THEN 'paid' ELSE 'new' END, "updated_at", "updated_at", CASE "status" WHEN 'customer' THEN "updated_at" END
FROM "leads" WHERE "status" IN ('customer', 'transferred');
--> statement-breakpoint
ALTER TABLE "leads" DROP COLUMN "status";
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['sales', 'analyses', 'audit_log', 'audit_heads'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY workspace_isolation ON %I USING ("workspace_id" = nullif(current_setting(''app.workspace_id'', true), '''')::uuid) WITH CHECK ("workspace_id" = nullif(current_setting(''app.workspace_id'', true), '''')::uuid)', t);
  END LOOP;
END $$;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "sales", "analyses", "audit_heads" TO leadgate_app;
--> statement-breakpoint
-- The log may only grow: the app role cannot change or remove an entry, and neither can anyone else
-- while the triggers below are in place.
GRANT SELECT, INSERT ON "audit_log" TO leadgate_app;
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON "audit_log" FROM leadgate_app;
--> statement-breakpoint
-- An entry's hash: SHA-256 over the previous hash and every field, as one JSON array (unambiguous: no
-- field can bleed into the next). Times count as whole microseconds, so the text never depends on the
-- session's time zone or date style.
CREATE FUNCTION leadgate_audit_digest(e audit_log) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT encode(sha256(convert_to(jsonb_build_array(
    e.prev_hash, e.workspace_id, e.seq, e.id, (extract(epoch FROM e.at) * 1000000)::bigint, e.actor, e.action,
    e.lead_id, e.sale_id, e."from", e."to", e.reason, e.request_id, e.data)::text, 'UTF8')), 'hex')
$$;
--> statement-breakpoint
-- Every insert is chained here, whatever the code sent: the workspace's lock (held until the transaction
-- ends) makes concurrent writers take turns, so the chain cannot fork; seq, prev_hash and hash are set
-- from the entry before, and the head moves on.
CREATE FUNCTION leadgate_audit_append() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE head audit_heads%ROWTYPE;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('leadgate:audit:' || NEW.workspace_id::text, 0));
  SELECT * INTO head FROM audit_heads WHERE workspace_id = NEW.workspace_id;
  NEW.seq := coalesce(head.seq, 0) + 1;
  NEW.prev_hash := coalesce(head.hash, '');
  NEW.hash := leadgate_audit_digest(NEW);
  INSERT INTO audit_heads (workspace_id, seq, hash) VALUES (NEW.workspace_id, NEW.seq, NEW.hash)
  ON CONFLICT (workspace_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_log_chain BEFORE INSERT ON "audit_log" FOR EACH ROW EXECUTE FUNCTION leadgate_audit_append();
--> statement-breakpoint
CREATE FUNCTION leadgate_audit_refuse() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON "audit_log" FOR EACH ROW EXECUTE FUNCTION leadgate_audit_refuse();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON "audit_log" FOR EACH STATEMENT EXECUTE FUNCTION leadgate_audit_refuse();
--> statement-breakpoint
-- Recomputes the current workspace's chain (row-level security shows it only its own) and names the
-- first entry that breaks it: a missing entry, one that does not follow the one before, one whose content
-- changed, or a head that does not match the last entry (entries removed from the end).
CREATE FUNCTION leadgate_audit_verify() RETURNS TABLE (entries bigint, broken_seq bigint, broken_id uuid, problem text)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  e audit_log%ROWTYPE;
  head audit_heads%ROWTYPE;
  want_prev text := '';
  want_seq bigint := 1;
  n bigint := 0;
BEGIN
  FOR e IN SELECT * FROM audit_log WHERE workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid ORDER BY seq LOOP
    n := n + 1;
    IF e.seq <> want_seq THEN
      RETURN QUERY SELECT n, e.seq, e.id, format('entry %s is missing before this one', want_seq);
      RETURN;
    END IF;
    IF e.prev_hash <> want_prev THEN
      RETURN QUERY SELECT n, e.seq, e.id, 'it does not follow the entry before it (prev_hash)'::text;
      RETURN;
    END IF;
    IF e.hash <> leadgate_audit_digest(e) THEN
      RETURN QUERY SELECT n, e.seq, e.id, 'its content does not match its hash (changed after it was written)'::text;
      RETURN;
    END IF;
    want_prev := e.hash;
    want_seq := e.seq + 1;
  END LOOP;
  SELECT * INTO head FROM audit_heads WHERE workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid;
  IF coalesce(head.seq, 0) <> want_seq - 1 OR coalesce(head.hash, '') <> want_prev THEN
    RETURN QUERY SELECT n, coalesce(head.seq, 0), NULL::uuid, format('the log ends at entry %s but its head says %s (entries were removed)', want_seq - 1, coalesce(head.seq, 0));
    RETURN;
  END IF;
  RETURN QUERY SELECT n, NULL::bigint, NULL::uuid, NULL::text;
END $$;
