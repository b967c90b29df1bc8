import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { ConfigError, loadConfig } from './config';
import { isTransientDatabaseError, lazyDatabase } from './db/client';
import { problemResponse } from './http/errors';
import { createRouter } from './http/router';
import { describeError, isQueryError, logger } from './logger';
import { apiKeysRouter } from './routes/api-keys';
import { benchmarksRouter } from './routes/benchmarks';
import { chatfuelRouter } from './routes/chatbot/chatfuel';
import { telegramRouter } from './routes/chatbot/telegram';
import { contentRouter } from './routes/content';
import { deliveriesRouter } from './routes/deliveries';
import { demoRouter } from './routes/demo';
import { devRouter } from './routes/dev/captured';
import { mountDocs } from './routes/docs';
import { eventsRouter } from './routes/events';
import { leadsRouter } from './routes/leads';
import { pipelineRouter } from './routes/pipeline';
import { settingsRouter } from './routes/settings';
import { toolsRouter } from './routes/tools';
import { webhooksRouter } from './routes/webhooks';
import { ServiceError } from './services/errors';
import { servedOrigins } from './services/workspaces';

export function createApp() {
  const app = createRouter();

  app.use('*', requestId({ headerName: 'x-request-id', generator: () => crypto.randomUUID() }));
  app.use('*', async (c, next) => {
    const config = loadConfig(c.env);
    const database = lazyDatabase(config.core);
    c.set('config', config);
    c.set('database', database);
    c.set('actor', 'public');
    try {
      await next();
    } finally {
      c.executionCtx.waitUntil(database.close());
    }
  });
  app.use(
    '/api/*',
    cors({
      // The browser's permission: any site this deployment serves. Which site a request belongs to is its
      // site key's business, and a key used from another site's page is refused (http/middleware/workspace.ts).
      origin: async (origin, c) => (origin && (await servedOrigins(c.env, c.var.database.db)).has(origin) ? origin : null),
      allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      allowHeaders: ['content-type', 'idempotency-key', 'authorization', 'if-match', 'x-site-key'],
      exposeHeaders: ['retry-after', 'x-request-id', 'idempotent-replayed', 'location', 'etag'],
      maxAge: 600,
    }),
  );
  app.use('/api/*', async (c, next) => {
    await next();
    c.header('x-content-type-options', 'nosniff');
    c.header('cache-control', 'no-store');
  });

  app.get('/healthz', (c) => c.json({ ok: true }));
  app.route('/api/v1', leadsRouter);
  app.route('/api/v1', pipelineRouter);
  app.route('/api/v1', eventsRouter);
  app.route('/api/v1', demoRouter);
  app.route('/api/v1', webhooksRouter);
  app.route('/api/v1', chatfuelRouter);
  app.route('/api/v1', telegramRouter);
  app.route('/api/v1', toolsRouter);
  app.route('/api/v1', contentRouter);
  app.route('/api/v1', benchmarksRouter);
  app.route('/api/v1', deliveriesRouter);
  app.route('/api/v1', apiKeysRouter);
  app.route('/api/v1', settingsRouter);
  app.route('/dev', devRouter);
  mountDocs(app);

  app.notFound(() => {
    throw new ServiceError('not_found', { detail: 'No such endpoint.' });
  });
  app.onError((err, c) => {
    if (err instanceof ServiceError) return problemResponse(c, err);
    if (err instanceof HTTPException) {
      // Raised by the route validators themselves: an unreadable or unsupported body.
      const code =
        err.status === 413 ? 'payload_too_large' : err.status === 415 ? 'unsupported_media_type' : err.status === 401 ? 'unauthorized' : 'bad_request';
      return problemResponse(c, new ServiceError(code));
    }
    const requestId = c.get('requestId');
    const path = new URL(c.req.url).pathname;
    if (err instanceof ConfigError) {
      // Only the feature whose settings are wrong is unavailable; the log names the variables.
      logger.error('config.invalid', { request_id: requestId, path, feature: err.feature, problems: err.problems });
      return problemResponse(
        c,
        new ServiceError('service_unavailable', { detail: `This feature (${err.feature}) is not available right now.`, retryAfterSeconds: 60 }),
      );
    }
    if (isQueryError(err) && isTransientDatabaseError(err)) {
      logger.error('request.database_unavailable', { request_id: requestId, path, error: describeError(err) });
      return problemResponse(c, new ServiceError('service_unavailable', { retryAfterSeconds: 5 }));
    }
    logger.error('request.failed', {
      request_id: requestId,
      path,
      error: describeError(err),
      ...(isQueryError(err) ? {} : { stack: err.stack?.slice(0, 2000) }),
    });
    return problemResponse(c, new ServiceError('internal_error'));
  });
  return app;
}
