// One row of an option list: cursor, a state marker, a label and the text. Screen-reader mode writes
// the state as words ("selected", "correct answer") instead of glyphs.
import { Box, Text } from 'ink';
import { Tone } from '../components/Tone.js';
import { useGlyphs, useUi } from '../contexts/UiContext.js';
import type { ToneRole as Role } from '../theme/tokens.js';

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
  const { screenReader } = useUi().options;
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

export interface OptionListProps {
  choices: readonly string[];
  /** Display position → index into `choices`. */
  order: readonly number[];
  /** Display position of the cursor. */
  cursor: number;
  active: boolean;
  isOn(option: number): boolean;
  /** Marker glyphs for an option that is on and off (radio or checkbox). */
  markers: readonly [on: string, off: string];
  /** What "on" means, for screen readers: "selected", "chosen". */
  onWord: string;
  verdict(option: number, on: boolean): OptionRowProps['verdict'];
}

/** The numbered options of a choice question, in display order. */
export function OptionList({ choices, order, cursor, active, isOn, markers, onWord, verdict }: OptionListProps) {
  return (
    <>
      {order.map((option, pos) => {
        const on = isOn(option);
        return (
          <OptionRow
            key={option}
            label={String(pos + 1)}
            text={choices[option]!}
            focused={active && pos === cursor}
            marker={on ? markers[0] : markers[1]}
            states={on ? [onWord] : []}
            verdict={verdict(option, on)}
          />
        );
      })}
    </>
  );
}
