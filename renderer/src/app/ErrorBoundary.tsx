// Error boundaries: one per screen (the navigation and top bar stay usable when a screen fails)
// and one around the whole app (a failure anywhere shows a recoverable view, never a blank page).
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ErrorPanel, toDisplayableError } from '../components/ErrorPanel';
import { reportRendererError } from '../api/app-health';
import { RootFailure } from './RootFailure';

type Props = {
  /** When this changes (e.g. the route), the boundary clears its error. */
  resetKey: string;
  children: ReactNode;
};

type State = { error: unknown; hasError: boolean; resetKey: string };

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, hasError: false, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error, hasError: true };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    if (props.resetKey !== state.resetKey) {
      return { error: null, hasError: false, resetKey: props.resetKey };
    }
    return null;
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    // Main's log keeps it with the component stack, for whoever the user asks for help.
    void reportRendererError('render', error, info.componentStack);
  }

  private readonly retry = (): void => {
    this.setState({ error: null, hasError: false });
  };

  override render(): ReactNode {
    if (this.state.hasError) {
      return (
        <ErrorPanel
          title="This screen stopped working."
          error={{
            ...toDisplayableError(this.state.error),
            hint: 'Try again, or open another screen. Nothing was sent to AWS by this failure.',
          }}
          onRetry={this.retry}
        />
      );
    }
    return this.props.children;
  }
}

type RootProps = { children: ReactNode };
type RootState = {
  error: unknown;
  componentStack: string | null;
  hasError: boolean;
  /** Where the failure was logged; undefined while reporting, null if reporting failed. */
  logFile: string | null | undefined;
};

/**
 * Around the whole app: whatever fails to render, the window shows what broke, Reload and the
 * log's path (RootFailure) instead of going blank.
 */
export class RootErrorBoundary extends Component<RootProps, RootState> {
  override state: RootState = {
    error: null,
    componentStack: null,
    hasError: false,
    logFile: undefined,
  };

  static getDerivedStateFromError(error: unknown): Partial<RootState> {
    return { error, hasError: true };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    const componentStack = info.componentStack ?? null;
    this.setState({ componentStack });
    void reportRendererError('render', error, componentStack).then((logFile) => {
      this.setState({ logFile });
    });
  }

  override render(): ReactNode {
    if (this.state.hasError) {
      return (
        <RootFailure
          error={this.state.error}
          componentStack={this.state.componentStack}
          logFile={this.state.logFile}
        />
      );
    }
    return this.props.children;
  }
}
