// A per-record CustomerNotSubscribed (AWS-FACTS §1.3.1: unknown identifier, no active
// subscription, or a suspended account) is explained with the next step, as is DuplicateRecord.
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { RecordStatusNotes } from './RecordStatusNotes';

describe('RecordStatusNotes', () => {
  it('explains CustomerNotSubscribed records with what to check and that nothing was billed', () => {
    render(<RecordStatusNotes counts={{ CustomerNotSubscribed: 2, DuplicateRecord: 0 }} />);
    const notes = screen.getByRole('list', { name: 'What these outcomes mean' });
    expect(notes.textContent).toMatch(/Customer not subscribed: AWS did not bill this record/);
    expect(notes.textContent).toMatch(/customer identifier is unknown/);
    expect(notes.textContent).toMatch(/Next step: Check the identifier/);
    expect(notes.textContent).not.toMatch(/Duplicate:/);
  });

  it('says nothing when every record was billed', () => {
    const { container } = render(<RecordStatusNotes counts={{ CustomerNotSubscribed: 0 }} />);
    expect(container.textContent).toBe('');
  });
});
