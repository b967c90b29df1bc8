import { defineRoute } from '../../http/route';
import { createRouter } from '../../http/router';
import { serviceContext } from '../../http/service-context';
import { saveBenchmark } from '../../services/save-benchmark';
import { BenchmarkInputSchema, BenchmarkSchema, benchmarkView, IndustryParam } from './benchmark-view';

export const updateBenchmarkRoute = defineRoute(
  { scope: 'settings:write' },
  {
    method: 'put',
    path: '/benchmarks/{industry}',
    tags: ['Benchmarks (admin)'],
    summary: "Replace one industry's benchmarks",
    description:
      'Takes effect on the next calculation served by this worker, and in every other worker within ' + 'BENCHMARK_CACHE_TTL_SECONDS (60 s by default).',
    request: {
      params: IndustryParam,
      body: { required: true, content: { 'application/json': { schema: BenchmarkInputSchema } } },
    },
    responses: {
      200: { description: 'The benchmarks now in use.', content: { 'application/json': { schema: BenchmarkSchema } } },
    },
  },
);

export const updateBenchmark = createRouter().openapi(updateBenchmarkRoute, async (c) => {
  const { industry } = c.req.valid('param');
  const input = c.req.valid('json');
  const row = await saveBenchmark({ ctx: serviceContext(c), input: { industry, benchmark: input } });
  return c.json(benchmarkView(row), 200);
});
