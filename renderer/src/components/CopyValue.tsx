// An ID shown whole in a monospace face with a copy button beside it (UX.md: IDs are never
// reformatted or truncated without a way to see and copy the whole).
import { useState } from 'react';
import './CopyValue.css';

type CopyValueProps = {
  /** What the copy button copies, and what is shown. */
  value: string;
  /** Names the value for the button's accessible name ("Copy LicenseArn"). */
  label: string;
};

export function CopyValue({ value, label }: CopyValueProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      // The clipboard can be refused (permissions, no focus): say so rather than pretend.
      setState('failed');
    }
  };
  return (
    <span className="copy-value">
      <span className="mono copy-value-text">{value}</span>
      <button
        type="button"
        className="copy-value-button"
        aria-label={`Copy ${label}`}
        title={`Copy ${label}`}
        onClick={() => void copy()}
        onBlur={() => setState('idle')}
      >
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : 'Copy'}
      </button>
    </span>
  );
}
