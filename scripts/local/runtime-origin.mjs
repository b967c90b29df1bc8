// The user worker's own workerd socket, for the benchmarks: `wrangler dev` answers on its proxy port, and
// workerd listens on a port of its own behind it; the proxy by itself halves a bare worker, so the
// benchmarks measure at workerd's socket. Only workerd processes started by this process count, so a
// `npm run dev` (or a test run) on the same machine is never measured by mistake. Linux only (ss, /proc).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Every process below `root` (its children, theirs, …), from /proc. */
function descendantsOf(root) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name is in parentheses and may hold spaces: the fields after its closing one are plain.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const found = new Set();
  const todo = [root];
  while (todo.length > 0) {
    for (const child of children.get(todo.pop()) ?? []) {
      if (!found.has(child)) {
        found.add(child);
        todo.push(child);
      }
    }
  }
  return found;
}

/** The workerd port (other than the proxy's `proxyPort`) of this process's own wrangler dev that answers GET /healthz itself. */
export async function runtimeOrigin(proxyPort) {
  const ours = descendantsOf(process.pid);
  const listening = execFileSync('ss', ['-Hltnp'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes('"workerd"') && [...l.matchAll(/pid=(\d+)/g)].some((m) => ours.has(Number(m[1]))))
    .map((l) => Number(/127\.0\.0\.1:(\d+)/.exec(l)?.[1]))
    .filter((p) => p && p !== proxyPort);
  for (const port of listening) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok && (await res.text()).includes('"ok":true')) return `http://127.0.0.1:${port}`;
    } catch {
      // not this one
    }
  }
  throw new Error('could not find the user worker socket of wrangler dev');
}
