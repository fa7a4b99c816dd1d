// Keeps one broken screen from taking the app down: shows the error in place; Esc goes back.
import { Component, type ReactNode } from 'react';
import { Box, Text } from 'ink';

interface Props {
  /** Changes when the route changes, which clears a previous error. */
  resetKey: string;
  render: (error: Error) => ReactNode;
  children: ReactNode;
}

export class ErrorBoundary extends Component<Props, { error?: Error; key: string }> {
  override state: { error?: Error; key: string } = { key: this.props.resetKey };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  static getDerivedStateFromProps(props: Props, state: { error?: Error; key: string }) {
    return props.resetKey !== state.key ? { error: undefined, key: props.resetKey } : null;
  }

  override render() {
    return this.state.error ? this.props.render(this.state.error) : this.props.children;
  }
}

export function ErrorPanel({ title, error, color }: { title: string; error: Error; color?: string }) {
  return (
    <Box flexDirection="column">
      <Text color={color} bold>
        {title}
      </Text>
      <Text wrap="wrap">{error.message}</Text>
      <Text> </Text>
      <Text>Press Esc to go back or q to quit.</Text>
    </Box>
  );
}
