import { afterAll, afterEach, beforeAll } from 'vitest';
import { server, siteverifyRequests } from './msw';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  siteverifyRequests.length = 0;
});
afterAll(() => server.close());
