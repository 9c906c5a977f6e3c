// Runs a TypeScript benchmark of this folder with Vite's module runner (Node 20 cannot strip
// types itself): node e2e/bench/run.mjs tti.ts [options…] — `npm run bench:tti` does this.
import { runnerImport } from 'vite';

const [script, ...args] = process.argv.slice(2);
if (!script) {
  console.error('usage: node e2e/bench/run.mjs SCRIPT.ts [options]');
  process.exit(2);
}
try {
  const { module } = await runnerImport(new URL(script, import.meta.url).pathname);
  await module.main(args);
} catch (e) {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exitCode = 1; // not exit(): let the clean-up in flight finish
}
