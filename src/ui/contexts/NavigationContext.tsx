// A stack of routes: push opens a screen, back returns to the one below, replace swaps the top.
// Quitting the app goes through exit() so that Ink unmounts and the terminal is restored.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { useApp } from 'ink';
import type { Route } from '../app/routes.js';

export interface Navigation {
  route: Route;
  depth: number;
  push(route: Route): void;
  replace(route: Route): void;
  /** Pops one screen; returns false (and does nothing) on the bottom screen. */
  back(): boolean;
  /** Clears the stack down to the home screen. */
  home(): void;
  exit(): void;
}

const NavigationContext = createContext<Navigation | null>(null);

export function NavigationProvider({ initial, children, onExit }: { initial: Route; children: ReactNode; onExit?: () => void }) {
  const [stack, setStack] = useState<Route[]>([initial]);
  const { exit: inkExit } = useApp();
  const push = useCallback((r: Route) => setStack((s) => [...s, r]), []);
  const replace = useCallback((r: Route) => setStack((s) => [...s.slice(0, -1), r]), []);
  const back = useCallback(() => {
    if (stack.length <= 1) return false;
    setStack((s) => (s.length > 1 ? s.slice(0, -1) : s));
    return true;
  }, [stack.length]);
  const home = useCallback(() => setStack([{ screen: 'home' }]), []);
  const exit = useCallback(() => {
    onExit?.();
    inkExit();
  }, [inkExit, onExit]);
  const value = useMemo<Navigation>(
    () => ({ route: stack[stack.length - 1]!, depth: stack.length, push, replace, back, home, exit }),
    [stack, push, replace, back, home, exit],
  );
  return <NavigationContext.Provider value={value}>{children}</NavigationContext.Provider>;
}

export function useNavigation(): Navigation {
  const nav = useContext(NavigationContext);
  if (!nav) throw new Error('useNavigation must be used inside <NavigationProvider>');
  return nav;
}
