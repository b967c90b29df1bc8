// `npm run dev`: the whole system on this machine, no accounts.
// Ctrl-C waits (at most LEADGATE_DRAIN_SECONDS, 60 by default) until the local queues are drained, then
// stops everything; a second Ctrl-C stops at once. Local queues live in memory: what is still on them
// when wrangler stops is gone (production Queues persist). Deliveries are rows in Postgres and survive.
import { startStack } from './local/stack.mjs';

const DRAIN_SECONDS = Number(process.env.LEADGATE_DRAIN_SECONDS ?? 60);
const starting = startStack({ queueGauge: true });
let signals = 0;
let stopping;

async function drained(origin) {
  const deadline = Date.now() + DRAIN_SECONDS * 1000;
  let last = '';
  while (Date.now() < deadline && signals < 2) {
    let state;
    try {
      state = await (await fetch(`${origin}/dev/queues`, { signal: AbortSignal.timeout(2000) })).json();
    } catch {
      return; // the worker is not answering: nothing more to wait for
    }
    const events = state.events_outstanding ?? 0;
    const due = state.deliveries_due ?? 0;
    if (events === 0 && due === 0) return;
    const line = `waiting for the local queues: ${events} event(s) not yet stored, ${due} delivery(ies) due (Ctrl-C again to stop now)`;
    if (line !== last) console.log(line);
    last = line;
    await new Promise((r) => setTimeout(r, 500));
  }
  if (signals < 2) console.log(`gave up waiting after ${DRAIN_SECONDS} s; what is still queued is lost (deliveries in Postgres resume at the next start)`);
}

// Listening from the start: a signal during start-up stops what was started once it is up.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    signals++;
    if (signals >= 2) {
      console.log('stopping now');
      starting.then((stack) => stack.stop()).finally(() => process.exit(1));
      return;
    }
    stopping ??= starting
      .then(
        async (stack) => {
          if (signal === 'SIGINT') await drained(stack.origin);
          await stack.stop();
        },
        () => {},
      )
      .then(() => process.exit(0));
  });
}
const stack = await starting;
if (!stopping) console.log(`\nLeadgate is up at ${stack.origin}  ·  docs ${stack.origin}/docs  ·  captured messages ${stack.origin}/dev/captured\n`);
