// One row of an option list: cursor, a state marker, a label and the text. Screen-reader mode writes
// the state as words ("selected", "correct answer") instead of glyphs.
import { Box, Text } from 'ink';
import { Tone, useGlyphs, usePracticeStyle, type Role } from './style.js';

export interface OptionRowProps {
  label: string;
  text: string;
  focused: boolean;
  /** Glyph shown before the text (radio/checkbox), omitted when undefined. */
  marker?: string;
  /** Words read instead of the marker in screen-reader mode, e.g. "selected". */
  states?: string[];
  /** After grading: a verdict shown after the text (screen readers get it without the leading glyph). */
  verdict?: { role: Role; text: string };
}

export function OptionRow({ label, text, focused, marker, states = [], verdict }: OptionRowProps) {
  const g = useGlyphs();
  const { screenReader } = usePracticeStyle();
  if (screenReader) {
    const words = [...(focused ? ['current'] : []), ...states];
    return (
      <Text>
        {label}. {text}
        {words.length ? ` (${words.join(', ')})` : ''}
        {verdict ? ` - ${verdict.text.replace(/^[^A-Za-z(]+/, '')}` : ''}
      </Text>
    );
  }
  return (
    <Box>
      <Box width={2} flexShrink={0}>
        {focused ? <Tone role="cursor">{g.cursor}</Tone> : <Text> </Text>}
      </Box>
      {marker !== undefined ? (
        // never let the layout squeeze the marker when a long option wraps beside its verdict
        <Box flexShrink={0}>
          <Text>{marker} </Text>
        </Box>
      ) : null}
      <Box flexShrink={0}>
        <Text>{label}. </Text>
      </Box>
      <Box flexGrow={1} flexShrink={1}>
        <Text bold={focused}>
          {text}
          {verdict ? (
            <>
              {'  '}
              <Tone role={verdict.role}>{verdict.text}</Tone>
            </>
          ) : null}
        </Text>
      </Box>
    </Box>
  );
}
