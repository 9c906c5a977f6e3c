import { defineConfig } from 'vitest/config';

// End-to-end: a real browser (Debian's chromium through playwright-core) against `plm serve` and
// the Spotify emulator. One spec file whose steps run in order on one page.
export default defineConfig({
  test: {
    root: new URL('.', import.meta.url).pathname,
    include: ['**/*.spec.ts'],
    environment: 'node',
    fileParallelism: false,
    globalSetup: ['./global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
