import { createRouter } from '../../http/router';
import { listBenchmarksHandler } from './list-benchmarks';
import { updateBenchmark } from './update-benchmark';

/** Admin (API key, declared on each route): GET /benchmarks, PUT /benchmarks/{industry}. */
export const benchmarksRouter = createRouter().route('/', listBenchmarksHandler).route('/', updateBenchmark);
