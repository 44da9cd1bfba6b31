// Catches a screen that fails to render so the navigation and top bar stay usable.
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ErrorPanel, toDisplayableError } from '../components/ErrorPanel';

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
    // The console is the renderer's log; the component stack helps whoever debugs it.
    console.error('Meterdesk screen failed to render', error, info.componentStack);
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
