// The app root: the provider stack (UI look, environment, keys, navigation) and the screen host.
// The host renders the route on top of the navigation stack inside an error boundary and owns the
// app-wide fallback keys (q quits or goes back, Esc goes back, Ctrl-C quits).
import { Suspense } from 'react';
import { Box, Text } from 'ink';
import { UiProvider, useUi, type UiOptions } from '../contexts/UiContext.js';
import { AppEnvProvider, type AppEnv } from '../contexts/AppEnvContext.js';
import { KeypressPriority, KeypressProvider, useCommands } from '../contexts/KeypressContext.js';
import { NavigationProvider, useNavigation } from '../contexts/NavigationContext.js';
import { Command } from '../keys/keyBindings.js';
import { ErrorBoundary, ErrorPanel } from '../components/ErrorBoundary.js';
import { Screen } from '../layouts/Screen.js';
import { screenComponent } from './screens.js';
import type { Route } from './routes.js';

export interface AppProps {
  initial: Route;
  ui: UiOptions;
  env: AppEnv;
  /** Called once just before the app exits (for final saves). */
  onExit?: () => void;
}

export function App({ initial, ui, env, onExit }: AppProps) {
  return (
    <UiProvider options={ui}>
      <AppEnvProvider env={env}>
        <KeypressProvider>
          <NavigationProvider initial={initial} onExit={onExit}>
            <ScreenHost />
          </NavigationProvider>
        </KeypressProvider>
      </AppEnvProvider>
    </UiProvider>
  );
}

function ScreenHost() {
  const nav = useNavigation();
  const { theme } = useUi();
  // Ctrl-C ends the app as an interrupt: shells (and `ftlab … && next`) expect status 130 (128 + SIGINT).
  useCommands(
    {
      [Command.FORCE_QUIT]: () => {
        process.exitCode = 130;
        nav.exit();
      },
    },
    { priority: KeypressPriority.Critical },
  );
  useCommands(
    {
      [Command.QUIT]: () => (nav.depth > 1 ? nav.back() : nav.exit()),
      [Command.BACK]: () => nav.back(),
      [Command.HOME]: () => nav.home(),
    },
    { priority: KeypressPriority.Fallback },
  );
  const ScreenComponent = screenComponent(nav.route.screen);
  const key = JSON.stringify(nav.route) + ':' + nav.depth;
  return (
    <ErrorBoundary
      resetKey={key}
      render={(error) => (
        <Screen title="Something went wrong" hints={[Command.BACK]}>
          <ErrorPanel title={`This screen failed: ${nav.route.screen}`} error={error} color={theme.status.error} />
        </Screen>
      )}
    >
      <Suspense
        fallback={
          <Box>
            <Text> </Text>
          </Box>
        }
      >
        <ScreenComponent key={key} route={nav.route} />
      </Suspense>
    </ErrorBoundary>
  );
}
