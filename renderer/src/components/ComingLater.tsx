// An honest placeholder for a screen that is not built yet: it says what will be there.
import { useId } from 'react';

type ComingLaterProps = {
  /** What the finished screen will offer, one item per line. */
  items: readonly string[];
};

export function ComingLater({ items }: ComingLaterProps) {
  const headingId = useId();
  return (
    <section className="panel coming-later" aria-labelledby={headingId}>
      <p className="eyebrow">Not built yet</p>
      <h2 id={headingId}>Coming in a later phase</h2>
      <p>This screen will let you:</p>
      <ul>
        {items.map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
    </section>
  );
}
