// The paste panel is loaded when first opened (its own chunk): most visits never paste.
import { lazyComponent } from './lazy';

export const PastePanelLazy = lazyComponent(
  async () => (await import('./PastePanel')).PastePanel,
  'Loading the paste panel…',
);
