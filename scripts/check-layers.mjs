// `npm run lint` (with Biome): the layers of src/ point one way, and no module imports itself back.
//
//   entry    index.ts, app.ts, routes/, http/, queues/      HTTP and queue adapters
//   verbs    services/, fanout/                            business actions; know nothing of HTTP
//   lower    domain/ (pure rules), db/, integrations/, durable-objects/, messages/, crypto/, config/, logger.ts
//
// Rules: nothing below the entry layer imports from it; nothing in the lower layer imports a verb;
// domain/ imports only domain/ and crypto/; only the entry layer imports hono; no import cycles.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src');
const ENTRY = ['index.ts', 'app.ts', 'routes', 'http', 'queues'];
const VERBS = ['services', 'fanout'];

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : full.endsWith('.ts') ? [full] : [];
  });
}

const area = (file) => path.relative(SRC, file).split(path.sep)[0];
const layer = (file) => (ENTRY.includes(area(file)) ? 'entry' : VERBS.includes(area(file)) ? 'verbs' : 'lower');

function resolve(from, spec) {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // try the next form
    }
  }
  return null;
}

const IMPORT = /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
const graph = new Map();
const problems = [];
for (const file of files(SRC)) {
  const text = readFileSync(file, 'utf8');
  const deps = [];
  for (const [, spec] of text.matchAll(IMPORT)) {
    const rel = path.relative(SRC, file);
    if (!spec.startsWith('.')) {
      if ((spec === 'hono' || spec.startsWith('hono/') || spec.startsWith('@hono/')) && layer(file) !== 'entry')
        problems.push(`${rel}: imports ${spec} (only routes/, http/ and app.ts know HTTP)`);
      continue;
    }
    const target = resolve(file, spec);
    if (!target) {
      problems.push(`${rel}: cannot resolve ${spec}`);
      continue;
    }
    deps.push(target);
    const to = path.relative(SRC, target);
    if (layer(file) !== 'entry' && layer(target) === 'entry') problems.push(`${rel} → ${to}: below the entry layer, nothing imports routes/, http/ or queues/`);
    if (layer(file) === 'lower' && layer(target) === 'verbs')
      problems.push(`${rel} → ${to}: ${area(file)}/ is below the verbs; it may not import services/ or fanout/`);
    if (area(file) === 'domain' && !['domain', 'crypto'].includes(area(target)))
      problems.push(`${rel} → ${to}: domain/ holds pure rules; it imports only domain/ and crypto/`);
  }
  graph.set(file, deps);
}

// Import cycles, type-only ones included (they still tie modules together).
const state = new Map();
const stack = [];
function visit(file) {
  state.set(file, 'open');
  stack.push(file);
  for (const dep of graph.get(file) ?? []) {
    if (state.get(dep) === 'open') {
      const cycle = stack
        .slice(stack.indexOf(dep))
        .concat(dep)
        .map((f) => path.relative(SRC, f));
      problems.push(`import cycle: ${cycle.join(' → ')}`);
    } else if (!state.has(dep)) visit(dep);
  }
  stack.pop();
  state.set(file, 'done');
}
for (const file of graph.keys()) if (!state.has(file)) visit(file);

if (problems.length > 0) {
  console.error(`Layer check: ${problems.length} problem(s)\n${[...new Set(problems)].map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(`Layer check: ${graph.size} modules, layers point one way, no import cycles.`);
