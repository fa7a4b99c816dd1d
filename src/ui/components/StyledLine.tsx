// Renders one pre-rendered line (a list of styled spans) as a single Ink row.
import { memo } from 'react';
import { Text } from 'ink';
import type { Line } from '../markdown/text.js';

export const StyledLine = memo(function StyledLine({ line }: { line: Line }) {
  if (line.length === 0) return <Text> </Text>;
  return (
    <Text wrap="truncate-end">
      {line.map((s, i) => (
        <Text key={i} color={s.color} bold={s.bold} italic={s.italic} underline={s.underline} strikethrough={s.strikethrough} dimColor={s.dim} inverse={s.inverse}>
          {s.text}
        </Text>
      ))}
    </Text>
  );
});
