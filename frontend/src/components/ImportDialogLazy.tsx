// The import dialog is loaded when first opened (its own chunk): most visits never import.
import { lazyComponent } from './lazy';

export const ImportDialogLazy = lazyComponent(
  async () => (await import('./ImportDialog')).ImportDialog,
  'Loading the import…',
);
