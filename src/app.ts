import { HTTPException } from 'hono/http-exception';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import { ConfigError, loadConfig } from './config';
import { ApiError, problemResponse } from './http/errors';
import { createRouter } from './http/router';
import { describeError, isQueryError, logger } from './logger';
import { mountDocs } from './routes/docs';
import { deliveriesRouter } from './routes/deliveries';
import { devRouter } from './routes/dev/outbox';
import { leadsRouter } from './routes/leads';
import { demoRouter } from './routes/demo';
import { webhooksRouter } from './routes/webhooks';
import { toolsRouter } from './routes/tools';
import { contentRouter } from './routes/content';
import { benchmarksRouter } from './routes/benchmarks';

export function createApp() {
  const app = createRouter();

  app.use('*', requestId({ headerName: 'x-request-id', generator: () => crypto.randomUUID() }));
  app.use('*', async (c, next) => {
    c.set('config', loadConfig(c.env));
    await next();
  });
  app.use('/api/*', async (c, next) =>
    cors({
      origin: (origin) => (c.var.config.CORS_ORIGINS.includes(origin) ? origin : null),
      allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      allowHeaders: ['content-type', 'idempotency-key', 'authorization'],
      exposeHeaders: ['retry-after', 'x-request-id', 'idempotent-replayed'],
      maxAge: 600,
    })(c, next),
  );
  app.use('/api/*', async (c, next) => {
    await next();
    c.header('x-content-type-options', 'nosniff');
    c.header('cache-control', 'no-store');
  });

  app.get('/healthz', (c) => c.json({ ok: true }));
  app.route('/api/v1', leadsRouter);
  app.route('/api/v1', demoRouter);
  app.route('/api/v1', webhooksRouter);
  app.route('/api/v1', toolsRouter);
  app.route('/api/v1', contentRouter);
  app.route('/api/v1', benchmarksRouter);
  app.route('/api/v1', deliveriesRouter);
  app.route('/dev', devRouter);
  mountDocs(app);

  app.notFound(() => {
    throw new ApiError('not_found', { detail: 'No such endpoint.' });
  });
  app.onError((err, c) => {
    if (err instanceof ApiError) return problemResponse(c, err);
    if (err instanceof HTTPException) {
      const code = err.status === 400 ? 'bad_request' : err.status === 413 ? 'payload_too_large' : err.status === 401 ? 'unauthorized' : 'bad_request';
      return problemResponse(c, new ApiError(code));
    }
    const requestId = c.get('requestId');
    if (err instanceof ConfigError) logger.error('config.invalid', { request_id: requestId, error: err.message });
    else logger.error('request.failed', { request_id: requestId, path: new URL(c.req.url).pathname, error: describeError(err), ...(isQueryError(err) ? {} : { stack: err.stack?.slice(0, 2000) }) });
    return problemResponse(c, new ApiError('internal_error'));
  });
  return app;
}
