// A compact label/value list; values marked `mono` are IDs shown whole in a monospace face.
import type { ReactNode } from 'react';

export type Fact = { label: string; value: ReactNode; mono?: boolean };

export function Facts({ facts }: { facts: readonly Fact[] }) {
  return (
    <dl className="facts">
      {facts.map((fact) => (
        <div key={fact.label} className="facts-row">
          <dt>{fact.label}</dt>
          <dd className={fact.mono ? 'mono' : undefined}>{fact.value}</dd>
        </div>
      ))}
    </dl>
  );
}
