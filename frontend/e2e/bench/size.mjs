// The size of the built front end (frontend/dist, after `npm run build`): every file's raw and
// gzip bytes (the .gz sibling the build writes, else gzip -9 here), totals for JS, CSS and HTML,
// and what the first load of the app transfers: index.html and what it references, followed
// through static imports (the JS files' own `import … from "./x.js"`) and CSS url()s. Dynamic
// imports are listed apart: they load later, if at all. Prints a RESULT line per total.
//
// Usage: node e2e/bench/size.mjs [DIST]
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { constants, gzipSync } from 'node:zlib';

const dist = resolve(process.argv[2] ?? new URL('../../dist', import.meta.url).pathname);
if (!existsSync(join(dist, 'index.html'))) {
  console.error(`${dist}/index.html is missing: run npm run build`);
  process.exit(1);
}

function* walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (!name.endsWith('.gz')) yield path;
  }
}

/** { raw, gzip, precompressed } of one file. */
function sizes(path) {
  const data = readFileSync(path);
  const precompressed = existsSync(`${path}.gz`);
  const gzip = precompressed
    ? statSync(`${path}.gz`).size
    : gzipSync(data, { level: constants.Z_BEST_COMPRESSION }).length;
  return { raw: data.length, gzip, precompressed };
}

const kind = (path) =>
  ({ '.js': 'JS', '.mjs': 'JS', '.css': 'CSS', '.html': 'HTML' })[extname(path)] ?? 'other';
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;

const files = new Map();
for (const path of walk(dist)) files.set(path, sizes(path));

console.log(`${dist}:`);
console.log(`  ${'file'.padEnd(40)} ${'raw'.padStart(10)} ${'gzip'.padStart(10)}`);
for (const [path, s] of files) {
  const note = s.precompressed ? '' : '  (no .gz: gzip -9 here)';
  console.log(
    `  ${relative(dist, path).padEnd(40)} ${String(s.raw).padStart(10)} ${String(s.gzip).padStart(10)}${note}`,
  );
}

const totals = {};
for (const [path, s] of files) {
  const t = (totals[kind(path)] ??= { raw: 0, gzip: 0, count: 0 });
  t.raw += s.raw;
  t.gzip += s.gzip;
  t.count++;
}

// First load: follow references from index.html.
const local = (ref, from) => {
  if (/^(data:|[a-z]+:\/\/|\/\/|#)/i.test(ref)) return null;
  const path = resolve(dirname(from), ref.replace(/[?#].*$/, ''));
  return files.has(path) ? path : null;
};
const first = new Set();
const dynamic = new Set();
const queue = [join(dist, 'index.html')];
while (queue.length) {
  const path = queue.shift();
  if (first.has(path)) continue;
  first.add(path);
  const text = readFileSync(path, 'utf8');
  const refs = [];
  if (path.endsWith('.html')) {
    for (const m of text.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)=["']([^"']+)["']/g))
      refs.push(m[1]);
  } else if (path.endsWith('.js')) {
    for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*)["'](\.{1,2}\/[^"']+)["']/g))
      refs.push(m[1]);
    for (const m of text.matchAll(/\bimport\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g)) {
      const p = local(m[1], path);
      if (p) dynamic.add(p);
    }
  } else if (path.endsWith('.css')) {
    for (const m of text.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)) refs.push(m[1]);
  }
  for (const ref of refs) {
    const p = local(ref, path);
    if (p) queue.push(p);
  }
}
for (const p of first) dynamic.delete(p);

const firstLoad = { raw: 0, gzip: 0 };
for (const p of first) {
  firstLoad.raw += files.get(p).raw;
  firstLoad.gzip += files.get(p).gzip;
}
console.log(`first load: ${[...first].map((p) => relative(dist, p)).join(', ')}`);
if (dynamic.size)
  console.log(`loaded on demand: ${[...dynamic].map((p) => relative(dist, p)).join(', ')}`);
const unreferenced = [...files.keys()].filter((p) => !first.has(p) && !dynamic.has(p));
if (unreferenced.length)
  console.log(`not referenced: ${unreferenced.map((p) => relative(dist, p)).join(', ')}`);

for (const k of ['JS', 'CSS', 'HTML', 'other']) {
  const t = totals[k];
  if (!t) continue;
  console.log(
    `RESULT size ${k}: ${t.gzip} bytes gzip (${kb(t.gzip)}), ${t.raw} raw (${kb(t.raw)}), ${t.count} file${t.count === 1 ? '' : 's'}`,
  );
}
const all = [...files.values()].reduce((a, s) => ({ raw: a.raw + s.raw, gzip: a.gzip + s.gzip }), {
  raw: 0,
  gzip: 0,
});
console.log(
  `RESULT size total: ${all.gzip} bytes gzip (${kb(all.gzip)}), ${all.raw} raw (${kb(all.raw)}), ${files.size} files`,
);
console.log(
  `RESULT size first load (index.html + what it references): ${firstLoad.gzip} bytes gzip ` +
    `(${kb(firstLoad.gzip)}), ${firstLoad.raw} raw (${kb(firstLoad.raw)}), ${first.size} files`,
);
