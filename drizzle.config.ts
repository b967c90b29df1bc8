import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes SQL migrations to drizzle/ from the schema in src/db/schema.
// `npm run db:migrate` applies them as the database owner, DATABASE_OWNER_URL (Neon's owner role in
// production; the Worker itself connects as leadgate_app, which the migrations create).
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './drizzle',
  dbCredentials: { url: process.env.DATABASE_OWNER_URL ?? '' },
});
