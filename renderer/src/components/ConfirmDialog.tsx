// A yes/no question before something that cannot be taken back or leaves work behind: the
// safe answer is the default focus, the other says exactly what it does.
import { Dialog } from './Dialog';

type ConfirmDialogProps = {
  title: string;
  open: boolean;
  /** What will happen, in one or two sentences. */
  message: string;
  /** The action, e.g. "Clear 3 records". */
  confirmLabel: string;
  /** The safe choice, e.g. "Keep them". */
  cancelLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
};

export function ConfirmDialog(props: ConfirmDialogProps) {
  return (
    <Dialog title={props.title} open={props.open} onCancel={props.onCancel}>
      <p>{props.message}</p>
      <div className="dialog-actions">
        <button type="button" autoFocus onClick={props.onCancel}>
          {props.cancelLabel}
        </button>
        <button type="button" className="danger" onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
