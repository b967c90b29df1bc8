import { z } from '@hono/zod-openapi';
import { asc } from 'drizzle-orm';
import { industryBenchmarks } from '../../db/schema';
import { withDatabase } from '../../http/database';
import { adminErrors } from '../../http/schemas/common';
import { createRouter } from '../../http/router';
import { BenchmarkSchema, benchmarkView } from './benchmark-view';
import { defineRoute } from '../../http/route';

export const listBenchmarksRoute = defineRoute('admin', {
  method: 'get',
  path: '/benchmarks',
  tags: ['Benchmarks (admin)'],
  summary: 'The ROI calculator\'s benchmarks, per industry',
  responses: {
    200: {
      description: 'Every industry\'s benchmarks, read from Postgres (not the cache).',
      content: { 'application/json': { schema: z.object({ items: z.array(BenchmarkSchema).openapi({ description: 'One per industry.' }) }).openapi('BenchmarkList') } },
    },
  },
});

export const listBenchmarks = createRouter().openapi(listBenchmarksRoute, async (c) => {
  const rows = await withDatabase(c, (db) => db.select().from(industryBenchmarks).orderBy(asc(industryBenchmarks.industry)));
  return c.json({ items: rows.map(benchmarkView) }, 200);
});
