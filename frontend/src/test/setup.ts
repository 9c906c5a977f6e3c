import { cleanup } from '@testing-library/preact';
import { afterEach } from 'vitest';

// As `plm serve` does, give the document a <base href> (the app's root).
const base = document.createElement('base');
base.setAttribute('href', '/');
document.head.prepend(base);

afterEach(() => {
  cleanup();
});
