import { createRoute, z } from '@hono/zod-openapi';
import { asc } from 'drizzle-orm';
import { industryBenchmarks } from '../../db/schema';
import { withDatabase } from '../../http/database';
import { adminAuth } from '../../http/middleware/admin-auth';
import { adminErrors } from '../../http/schemas/common';
import { createRouter } from '../../http/router';
import { BenchmarkSchema, benchmarkView } from './benchmark-view';

export const listBenchmarksRoute = createRoute({
  method: 'get',
  path: '/benchmarks',
  tags: ['Benchmarks (admin)'],
  summary: 'The ROI calculator\'s benchmarks, per industry',
  security: [{ AdminKey: [] }],
  middleware: [adminAuth()] as const,
  responses: {
    200: {
      description: 'Every industry\'s benchmarks, read from Postgres (not the cache).',
      content: { 'application/json': { schema: z.object({ items: z.array(BenchmarkSchema).openapi({ description: 'One per industry.' }) }).openapi('BenchmarkList') } },
    },
    401: adminErrors[401],
  },
});

export const listBenchmarks = createRouter().openapi(listBenchmarksRoute, async (c) => {
  const rows = await withDatabase(c, (db) => db.select().from(industryBenchmarks).orderBy(asc(industryBenchmarks.industry)));
  return c.json({ items: rows.map(benchmarkView) }, 200);
});
