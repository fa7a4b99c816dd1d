// Columns and rows of the terminal, updated on resize. Falls back to 80×24 when unknown (pipes,
// test streams without a size).
import { useEffect, useState } from 'react';
import { useStdout } from 'ink';

export interface TerminalSize {
  columns: number;
  rows: number;
}

export const FALLBACK_SIZE: TerminalSize = { columns: 80, rows: 24 };

function read(stdout: NodeJS.WriteStream): TerminalSize {
  return { columns: stdout.columns || FALLBACK_SIZE.columns, rows: stdout.rows || FALLBACK_SIZE.rows };
}

export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => read(stdout));
  useEffect(() => {
    const onResize = () => setSize(read(stdout));
    stdout.on('resize', onResize);
    onResize();
    return () => void stdout.off('resize', onResize);
  }, [stdout]);
  return size;
}

/** One breakpoint: below 80 columns the layout drops side borders and long hints. */
export function isNarrowWidth(columns: number): boolean {
  return columns < 80;
}
