import { z } from '@hono/zod-openapi';
import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { serviceContext } from '../../http/service-context';
import { listBenchmarks } from '../../services/save-benchmark';
import { BenchmarkSchema, benchmarkView } from './benchmark-view';

export const listBenchmarksRoute = defineRoute(
  { scope: 'leads:read' },
  {
    method: 'get',
    path: '/benchmarks',
    tags: ['Benchmarks (admin)'],
    summary: "The ROI calculator's benchmarks, per industry",
    responses: {
      200: {
        description: "Every industry's benchmarks, read from Postgres (not the cache).",
        content: {
          'application/json': { schema: z.object({ items: z.array(BenchmarkSchema).openapi({ description: 'One per industry.' }) }).openapi('BenchmarkList') },
        },
      },
    },
  },
);

export const listBenchmarksHandler = createRouter().openapi(listBenchmarksRoute, async (c) => {
  const rows = await listBenchmarks({ ctx: serviceContext(c) });
  return c.json({ items: rows.map(benchmarkView) }, 200);
});
