// The one way to enter a usage time: ISO 8601 text (what AWS and the CSV files speak, with its
// zone) and beside it a UTC date and hour picker that writes the text for you. Usage hours are
// UTC everywhere (UX.md), so the picker never shows a local or 12-hour clock.
import type { ChangeEvent } from 'react';
import './UsageTimeInput.css';
import { readUsageTime } from '../../../shared/metering/parse';

const HOURS = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));

/** The UTC date (yyyy-mm-dd) and hour (hh) the text stands for, when it says its zone. */
export function utcDateAndHour(text: string): { date: string; hour: string } | null {
  const reading = readUsageTime(text);
  if (reading.kind !== 'ok' || reading.zone === null) return null;
  const iso = new Date(reading.ms).toISOString();
  return { date: iso.slice(0, 10), hour: iso.slice(11, 13) };
}

/** The text the picker writes for a UTC date and hour. */
export function usageHourText(date: string, hour: string): string {
  return `${date}T${hour}:00Z`;
}

type Props = {
  value: string;
  onChange: (text: string) => void;
  /** The text input's accessible name, e.g. "Usage hour (UTC), record 1". */
  label: string;
  /** Epoch ms: the picker's date when the text names none yet. */
  now: number;
  /** Spread from Field (id, aria-describedby, aria-invalid) when the text input has a visible label. */
  control?: {
    id?: string;
    'aria-describedby'?: string | undefined;
    'aria-invalid'?: boolean | undefined;
  };
  placeholder?: string;
  className?: string;
};

export function UsageTimeInput({
  value,
  onChange,
  label,
  now,
  control,
  placeholder,
  className,
}: Props) {
  const picked = utcDateAndHour(value);
  const fallbackDate = new Date(now).toISOString().slice(0, 10);
  const onDate = (event: ChangeEvent<HTMLInputElement>): void => {
    if (event.target.value === '') return;
    onChange(usageHourText(event.target.value, picked?.hour ?? '00'));
  };
  const onHour = (event: ChangeEvent<HTMLSelectElement>): void => {
    onChange(usageHourText(picked?.date ?? fallbackDate, event.target.value));
  };
  return (
    <span className={className === undefined ? 'usage-time' : `usage-time ${className}`}>
      <input
        {...control}
        className="mono usage-time-text"
        aria-label={control?.id === undefined ? label : undefined}
        value={value}
        placeholder={placeholder ?? '2026-07-20T14:00Z'}
        spellCheck={false}
        onChange={(e) => onChange(e.target.value)}
      />
      <span className="usage-time-picker" role="group" aria-label={`Pick ${label}`}>
        <input
          type="date"
          aria-label={`Date (UTC) for ${label}`}
          value={picked?.date ?? ''}
          onChange={onDate}
        />
        <select aria-label={`Hour (UTC) for ${label}`} value={picked?.hour ?? ''} onChange={onHour}>
          <option value="" disabled>
            hh
          </option>
          {HOURS.map((h) => (
            <option key={h} value={h}>
              {h}:00 UTC
            </option>
          ))}
        </select>
      </span>
    </span>
  );
}
