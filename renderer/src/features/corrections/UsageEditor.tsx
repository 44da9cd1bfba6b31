// What should have been billed: typed per hour, pasted lines, or a CSV of correct usage (hour and
// quantity). Main reads pasted text and files with the same rules (parse-usage) and says which
// lines it could not read; nothing changes until Apply.
import { useState, type ChangeEvent } from 'react';
import type { CaseView, UsageLine } from '../../../../shared/channels/corrections';
import { useParseUsage, useSetUsage } from '../../api/corrections';
import { ErrorPanel, toDisplayableError } from '../../components/ErrorPanel';
import { Field } from '../../components/Field';
import { formatHour } from './format';

/** Up to this many hours get one input each; longer cases are pasted or loaded from a file. */
const TYPED_HOURS_MAX = 72;

function typedLines(view: CaseView, typed: Record<string, string>): UsageLine[] | string {
  const lines: UsageLine[] = [];
  for (const h of view.hours) {
    const text = (typed[h.hour] ?? (h.correct === null ? '' : String(h.correct))).trim();
    if (text === '') continue;
    if (!/^\d+$/.test(text))
      return `${formatHour(h.hour)}: “${text}” is not a whole number of units.`;
    lines.push({ hour: h.hour, quantity: Number(text) });
  }
  return lines;
}

export function UsageEditor({ view }: { view: CaseView }) {
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [pasted, setPasted] = useState('');
  const [typedError, setTypedError] = useState<string | undefined>();
  const parse = useParseUsage();
  const apply = useSetUsage();
  const canType = view.hours.length <= TYPED_HOURS_MAX;

  const applyTyped = (): void => {
    const lines = typedLines(view, typed);
    if (typeof lines === 'string') {
      setTypedError(lines);
      return;
    }
    setTypedError(undefined);
    apply.mutate({ caseId: view.caseId, lines });
  };

  /** Pasted or loaded lines set their hours; every other hour keeps what it had. */
  const readText = (text: string): void => {
    parse.mutate(
      { caseId: view.caseId, text },
      {
        onSuccess: (result) => {
          if (result.issues.length > 0) return;
          const merged = new Map<string, number>();
          for (const h of view.hours) if (h.correct !== null) merged.set(h.hour, h.correct);
          for (const line of result.lines) merged.set(line.hour, line.quantity);
          const lines = [...merged].map(([hour, quantity]) => ({ hour, quantity }));
          apply.mutate({ caseId: view.caseId, lines });
        },
      },
    );
  };

  const readFile = (event: ChangeEvent<HTMLInputElement>): void => {
    const file = event.target.files?.[0];
    if (file) void file.text().then(readText);
    event.target.value = '';
  };

  return (
    <section className="corrections-usage" aria-labelledby="corrections-usage-title">
      <h2 id="corrections-usage-title">What should have been billed</h2>
      {canType && (
        <div className="corrections-typed">
          {view.hours.map((h) => (
            <Field
              key={h.hour}
              label={`Should have been billed, ${formatHour(h.hour)}`}
              className="corrections-hour-field"
            >
              {(control) => (
                <input
                  {...control}
                  inputMode="numeric"
                  value={typed[h.hour] ?? (h.correct === null ? '' : String(h.correct))}
                  onChange={(e) => setTyped({ ...typed, [h.hour]: e.target.value })}
                />
              )}
            </Field>
          ))}
        </div>
      )}
      {canType && (
        <div className="corrections-usage-actions">
          <button type="button" onClick={applyTyped} disabled={apply.isPending}>
            Apply typed usage
          </button>
          {typedError !== undefined && <p className="field-error">{typedError}</p>}
        </div>
      )}
      <Field
        label="Paste usage"
        help="One line per hour: the time with its zone and the quantity, e.g. 2026-11-17T03:00Z, 40. The hours given are set; the others keep their values."
      >
        {(control) => (
          <textarea
            {...control}
            rows={4}
            value={pasted}
            spellCheck={false}
            onChange={(e) => setPasted(e.target.value)}
          />
        )}
      </Field>
      <div className="corrections-usage-actions">
        <button
          type="button"
          onClick={() => readText(pasted)}
          disabled={pasted.trim() === '' || parse.isPending}
        >
          Apply pasted usage
        </button>
        <label className="button-like">
          Load a CSV of correct usage
          <input
            type="file"
            accept=".csv,text/csv,text/plain"
            className="visually-hidden"
            onChange={readFile}
          />
        </label>
      </div>
      {parse.data && parse.data.issues.length > 0 && (
        <div role="alert" className="corrections-issues">
          <p>Nothing was applied: {parse.data.issues.length} line(s) could not be read.</p>
          <ul>
            {parse.data.issues.map((i) => (
              <li key={`${String(i.line)}-${i.message}`}>
                Line {i.line}: {i.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {apply.error && (
        <ErrorPanel title="The usage was not applied" error={toDisplayableError(apply.error)} />
      )}
      {parse.error && <ErrorPanel error={toDisplayableError(parse.error)} />}
    </section>
  );
}
