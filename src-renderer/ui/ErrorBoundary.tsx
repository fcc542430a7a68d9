import { Component, type ErrorInfo, type ReactNode } from 'react';

/**
 * Keeps one broken panel from blanking the terminal. Shows what failed in
 * words, never the error's stack; the details go to the console for a bug report.
 */
export class ErrorBoundary extends Component<{ what: string; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error(`Tern: the ${this.props.what} failed`, error, info.componentStack);
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <div className="state state-error" role="alert">
        <span>The {this.props.what} hit a problem and stopped.</span>
        <button type="button" className="btn btn-small" onClick={() => this.setState({ failed: false })}>
          Try again
        </button>
        <button type="button" className="btn btn-small" onClick={() => window.location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}
