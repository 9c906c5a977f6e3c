/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';

// `plm serve` replaces the <!--PLM_BASE--> marker in index.html with <base href="/prefix/">.
// The dev server has no prefix, so it puts in the root.
const devBase: Plugin = {
  name: 'plm-dev-base',
  apply: 'serve',
  transformIndexHtml: (html) => html.replace('<!--PLM_BASE-->', '<base href="/">'),
};

export default defineConfig({
  base: './',
  plugins: [devBase],
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080' },
    },
  },
  build: {
    target: 'es2022',
    sourcemap: false,
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
  },
});
