// Corrections: find billing that went wrong for a customer, decide the fix, send it, track it and
// prove it. The list of cases on top; a new case, or the chosen one, below.
import { useState } from 'react';
import { useCaseList, useCorrectionsSync } from '../../api/corrections';
import { Field } from '../../components/Field';
import { Screen } from '../../components/Screen';
import { CaseDetail } from './CaseDetail';
import { CaseList } from './CaseList';
import { NewCaseForm } from './NewCaseForm';
import './corrections.css';

export function CorrectionsScreen() {
  useCorrectionsSync();
  const [caseId, setCaseId] = useState<string | null>(null);
  const list = useCaseList();
  const cases = list.data?.cases ?? [];
  return (
    <Screen
      title="Corrections"
      purpose="Compare what was sent, billed and invoiced with what should have been billed, hour by hour; top up under-billing and refund over-billing."
    >
      <CaseList onOpen={setCaseId} />
      <div className="corrections-picker">
        <Field label="Case">
          {(control) => (
            <select
              {...control}
              value={caseId ?? ''}
              onChange={(e) => setCaseId(e.target.value === '' ? null : e.target.value)}
            >
              <option value="">New case…</option>
              {cases.map((c) => (
                <option key={c.caseId} value={c.caseId}>
                  {c.caseId} — {c.customer.name ?? c.customer.awsAccountId}, {c.dimension}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {caseId === null ? (
        <NewCaseForm onOpened={(view) => setCaseId(view.caseId)} />
      ) : (
        <CaseDetail caseId={caseId} />
      )}
    </Screen>
  );
}
