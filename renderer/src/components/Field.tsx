// The one labelled form field of the app: a visible label tied to its control, optional help
// text and an error next to the field (UX.md: "an error says what is wrong and how to fix it,
// next to the field"). The control itself is the caller's, given the ids to wire up:
//
//   <Field label="Default region" error={show('region')} help="e.g. us-east-1">
//     {(control) => <input {...control} value={region} onChange={…} />}
//   </Field>
//
// `control` carries id, aria-describedby (help and error) and aria-invalid; spread it onto the
// input, select or textarea so screen readers and the end-to-end tests find it by its label.
import { useId, type ReactNode } from 'react';

export type FieldControlProps = {
  id: string;
  'aria-describedby': string | undefined;
  'aria-invalid': boolean | undefined;
};

type FieldProps = {
  label: ReactNode;
  /** Shown under the control in the error colour; also marks the control invalid. */
  error?: string | undefined;
  help?: ReactNode;
  /** Extra classes on the wrapper, e.g. a width modifier of the screen's layout. */
  className?: string | undefined;
  /** The label is read by assistive technology but not drawn (compact toolbars). */
  hideLabel?: boolean;
  /** Ids of text elsewhere that also describes the control (e.g. a warning above the form). */
  describedBy?: string | undefined;
  children: (control: FieldControlProps) => ReactNode;
};

export function Field({
  label,
  error,
  help,
  className,
  hideLabel,
  describedBy: describedElsewhere,
  children,
}: FieldProps) {
  const id = useId();
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const hasError = error !== undefined && error !== '';
  const describedBy =
    [describedElsewhere ?? null, help !== undefined ? helpId : null, hasError ? errorId : null]
      .filter((part) => part !== null)
      .join(' ') || undefined;
  return (
    <div className={className === undefined ? 'field' : `field ${className}`}>
      <label htmlFor={id} className={hideLabel === true ? 'visually-hidden' : 'field-label'}>
        {label}
      </label>
      {children({
        id,
        'aria-describedby': describedBy,
        'aria-invalid': hasError ? true : undefined,
      })}
      {help !== undefined && (
        <p id={helpId} className="field-help">
          {help}
        </p>
      )}
      {hasError && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
