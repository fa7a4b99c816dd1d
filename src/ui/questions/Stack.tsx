// A column whose children keep their natural height. Yoga would otherwise shrink rows to fit a
// fixed-height screen body and draw them on top of each other; this way what does not fit is simply
// cut off at the bottom (the screen body clips), and the most important lines go first.
import { Box } from 'ink';
import { Children, type ReactNode } from 'react';

export function Stack({ children, gap = 0 }: { children: ReactNode; gap?: number }) {
  return (
    <Box flexDirection="column" flexShrink={0}>
      {Children.toArray(children).map((child, i) => (
        <Box key={i} flexDirection="column" flexShrink={0} marginTop={i > 0 ? gap : 0}>
          {child}
        </Box>
      ))}
    </Box>
  );
}
