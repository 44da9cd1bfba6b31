// The frame of every screen: a heading and the one line that says what the screen is for.
import { useId, type ReactNode } from 'react';

type ScreenProps = {
  title: string;
  purpose: string;
  children?: ReactNode;
};

export function Screen({ title, purpose, children }: ScreenProps) {
  const headingId = useId();
  return (
    <section className="screen" aria-labelledby={headingId}>
      <header className="screen-header">
        {/* tabIndex -1 lets the shell move focus here after navigation, for screen readers. */}
        <h1 id={headingId} tabIndex={-1} data-screen-heading="">
          {title}
        </h1>
        <p>{purpose}</p>
      </header>
      {children}
    </section>
  );
}
