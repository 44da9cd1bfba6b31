// A modal dialog on the native <dialog> element: focus is trapped and restored by the browser,
// Escape cancels. Shown while mounted with `open`.
import { useEffect, useId, useRef, type ReactNode } from 'react';
import './Dialog.css';

type DialogProps = {
  title: string;
  open: boolean;
  onCancel: () => void;
  children: ReactNode;
};

export function Dialog({ title, open, onCancel, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="md-dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {open && children}
    </dialog>
  );
}
