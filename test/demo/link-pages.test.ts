import { beforeEach, describe, expect, it } from 'vitest';
import { call } from '../support/api';
import { server } from '../support/msw';
import { berlinSlot, book, demoSiteverify, pathOf } from './support';

beforeEach(() => server.use(demoSiteverify));

describe('the pages behind the links in the invite email', () => {
  it('opening the cancel link shows a confirmation page and changes nothing; its button (the POST) cancels', async () => {
    const start = berlinSlot(9, '10:00');
    const booked = await book(start);
    expect(booked.res.status).toBe(201);
    const link = pathOf(booked.body.cancel_url);

    const opened = await call(link);
    expect(opened.status).toBe(200);
    expect(opened.headers.get('content-type')).toContain('text/html');
    expect(await opened.text()).toContain('Yes, cancel my demo');
    expect((await book(start)).res.status).toBe(409); // still booked: a GET (or a mail scanner) cancels nothing

    expect((await call(link, { method: 'POST' })).status).toBe(200);
    expect((await book(start)).res.status).toBe(201);
  });

  it('opening the reschedule link shows the slot picker', async () => {
    const booked = await book(berlinSlot(9, '11:00'));
    const opened = await call(pathOf(booked.body.reschedule_url));
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain('/api/v1/demo/availability');
  });

  it('a tampered link opens a refusal page', async () => {
    const booked = await book(berlinSlot(9, '12:00'));
    const tampered = pathOf(booked.body.cancel_url).replace(/token=([^&]{5})/, 'token=AAAAA');
    const opened = await call(tampered);
    expect(opened.status).toBe(403);
    expect(await opened.text()).toContain('This link is not valid');
    const crossed = pathOf(booked.body.cancel_url).replace('/cancel?', '/reschedule?');
    expect((await call(crossed)).status).toBe(403);
  });
});
