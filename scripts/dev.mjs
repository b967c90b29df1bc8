// `npm run dev`: the whole system on this machine, no accounts. Ctrl-C stops it.
import { startStack } from './local/stack.mjs';

const stack = await startStack();
console.log(`\nLeadgate is up at ${stack.origin}  ·  docs ${stack.origin}/docs\n`);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, async () => {
    await stack.stop();
    process.exit(0);
  });
}
