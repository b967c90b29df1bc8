// `npm run dev`: the whole system on this machine, no accounts. Ctrl-C stops it.
import { startStack } from './local/stack.mjs';

const starting = startStack();
let stopping;
// Listening from the start: a signal during start-up stops what was started once it is up.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    stopping ??= starting
      .then((stack) => stack.stop(), () => {})
      .then(() => process.exit(0));
  });
}
const stack = await starting;
if (!stopping) console.log(`\nLeadgate is up at ${stack.origin}  ·  docs ${stack.origin}/docs\n`);
