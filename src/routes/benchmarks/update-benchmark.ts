import { createRoute } from '@hono/zod-openapi';
import { withDatabase } from '../../http/database';
import { adminAuth } from '../../http/middleware/admin-auth';
import { adminErrors } from '../../http/schemas/common';
import { createRouter } from '../../http/router';
import { logger } from '../../logger';
import { saveBenchmark } from '../../services/save-benchmark';
import { BenchmarkInputSchema, BenchmarkSchema, IndustryParam, benchmarkView } from './benchmark-view';

export const updateBenchmarkRoute = createRoute({
  method: 'put',
  path: '/benchmarks/{industry}',
  tags: ['Benchmarks (admin)'],
  summary: 'Replace one industry\'s benchmarks',
  description:
    'Takes effect on the next calculation served by this worker, and in every other worker within ' +
    'BENCHMARK_CACHE_TTL_SECONDS (60 s by default).',
  security: [{ AdminKey: [] }],
  middleware: [adminAuth()] as const,
  request: {
    params: IndustryParam,
    body: { required: true, content: { 'application/json': { schema: BenchmarkInputSchema } } },
  },
  responses: {
    200: { description: 'The benchmarks now in use.', content: { 'application/json': { schema: BenchmarkSchema } } },
    401: adminErrors[401],
    422: adminErrors[422],
  },
});

export const updateBenchmark = createRouter().openapi(updateBenchmarkRoute, async (c) => {
  const { industry } = c.req.valid('param');
  const input = c.req.valid('json');
  const row = await withDatabase(c, (db) => saveBenchmark(db, industry, input));
  logger.info('benchmarks.updated', { request_id: c.var.requestId, industry });
  return c.json(benchmarkView(row), 200);
});
