// The rows and columns the current screen body may use, provided by <Screen> (src/ui/layouts/Screen.tsx)
// so that a screen renders only what fits.
import { createContext, useContext } from 'react';

export type LayoutMode = 'default' | 'narrow' | 'screen-reader';

export interface BodySize {
  width: number;
  height: number;
  mode: LayoutMode;
}

export const BodySizeContext = createContext<BodySize | null>(null);

/** Rows and columns the current screen body may use. */
export function useBodySize(): BodySize {
  const size = useContext(BodySizeContext);
  if (!size) throw new Error('useBodySize must be used inside <Screen>');
  return size;
}
