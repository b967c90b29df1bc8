import { type Interval, inVisitorZone, unionSlots, type VisitorSlot } from '../domain/availability';
import type { DemoHost } from '../domain/demo-hosts';
import { schedulerFor } from '../durable-objects/scheduler';
import { calendarFor } from '../integrations/calendar';
import { describeError, logger } from '../logger';
import type { ServiceContext } from './context';
import { demoSetup } from './demo-setup';
import { invalidField } from './errors';

const MINUTE = 60_000;
const DAY = 86_400_000;
export const MAX_RANGE_DAYS = 31;

/** One host's free slots: their Scheduler's view with their calendar's busy times subtracted. */
export async function hostFreeSlots(ctx: ServiceContext, host: DemoHost, from: number, to: number, now: number): Promise<Interval[]> {
  let busy: Interval[];
  try {
    // A slot starting near either end of the range needs its buffers and its own length free as well.
    busy = await calendarFor(host, ctx.config).busy(from - host.buffer_before_minutes * MINUTE, to + (host.slot_minutes + host.buffer_after_minutes) * MINUTE);
  } catch (err) {
    // An unreadable calendar must not look free: that host offers nothing until it can be read.
    logger.warn('demo.calendar_unavailable', { request_id: ctx.requestId, host_id: host.id, error: describeError(err) });
    return [];
  }
  return schedulerFor(ctx.env.SCHEDULER, ctx.workspace.id, host.id).availability({ host, from, to, now, busy });
}

/** Free demo slots of all hosts on duty (or of one, `host`), as one list on the visitor's clock. */
export async function demoAvailability({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { from?: string; to?: string; timeZone: string; host?: string };
}): Promise<{ from: string; to: string; time_zone: string; slots: VisitorSlot[] }> {
  const { hosts: all } = demoSetup(ctx.config.demo);
  const hosts = input.host === undefined ? all : all.filter((h) => h.id === input.host);
  if (hosts.length === 0) throw invalidField('host', 'unknown_host', 'no such host');
  const now = Date.now();
  const from = input.from ? Date.parse(input.from) : now;
  const to = input.to ? Date.parse(input.to) : from + 14 * DAY;
  if (to <= from) throw invalidField('to', 'invalid_range', 'must be after from');
  if (to - from > MAX_RANGE_DAYS * DAY) throw invalidField('to', 'invalid_range', `must be at most ${MAX_RANGE_DAYS} days after from`);
  const perHost = await Promise.all(hosts.map((h) => hostFreeSlots(ctx, h, from, to, now)));
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    time_zone: input.timeZone,
    slots: unionSlots(perHost).map((s) => inVisitorZone(s, input.timeZone)),
  };
}
