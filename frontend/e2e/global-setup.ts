import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Starts every run with an empty artifacts folder, so old failure screenshots never mislead. */
export default function setup(): void {
  const dir = join(fileURLToPath(new URL('.', import.meta.url)), 'artifacts');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}
