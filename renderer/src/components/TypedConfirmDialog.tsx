// A destructive action behind a typed word: the confirm button works only once the user has
// typed it exactly, so nothing is cleared by a stray Enter or click.
import { useState, type ReactNode } from 'react';
import { Dialog } from './Dialog';
import { Field } from './Field';

type TypedConfirmDialogProps = {
  title: string;
  open: boolean;
  onCancel: () => void;
  onConfirm: () => void;
  /** What explains the consequences, shown above the typed word. */
  children: ReactNode;
  keepLabel: string;
  confirmLabel: string;
  pending: boolean;
  /** The action's error, if it failed. */
  error?: ReactNode;
  word?: string;
};

export function TypedConfirmDialog(props: TypedConfirmDialogProps) {
  return (
    <Dialog title={props.title} open={props.open} onCancel={props.onCancel}>
      {/* Rendered only while open, so the typed word starts empty every time. */}
      <ConfirmBody {...props} />
    </Dialog>
  );
}

function ConfirmBody({
  onCancel,
  onConfirm,
  children,
  keepLabel,
  confirmLabel,
  pending,
  error,
  word = 'CLEAR',
}: TypedConfirmDialogProps) {
  const [typed, setTyped] = useState('');
  return (
    <>
      {children}
      <Field label={`Type ${word} to confirm`}>
        {(control) => (
          <input
            {...control}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
        )}
      </Field>
      {error}
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          {keepLabel}
        </button>
        <button
          type="button"
          className="danger"
          disabled={typed !== word || pending}
          onClick={onConfirm}
        >
          {confirmLabel}
        </button>
      </div>
    </>
  );
}
