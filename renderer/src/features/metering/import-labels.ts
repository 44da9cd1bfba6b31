// Words for an import's review reasons and time-zone choices, shared by the import's summary and
// its tables.
import type { ImportReason } from '../../../../shared/channels/metering';
import { UTC_ZONE, formatOffset, zoneLabel } from '../../../../shared/metering/zones';
import { localTimeZone, supportedTimeZones } from '../../locale';

export const REASON_LABEL: Record<ImportReason, string> = {
  invalid: 'Invalid',
  duplicate: 'Duplicate in file',
  window: 'Outside the window',
  'already-sent': 'Already sent',
  'row-shape': "Cells don't match the header",
  zone: 'No time zone',
};

/** Offsets in use somewhere in the world, −12:00 … +14:00. */
const OFFSETS = [
  -720, -660, -600, -570, -540, -480, -420, -360, -300, -240, -210, -180, -120, -60, 60, 120, 180,
  210, 240, 270, 300, 330, 345, 360, 390, 420, 480, 525, 540, 570, 600, 630, 660, 720, 765, 780,
  840,
];

export type ZoneOption = { value: string; label: string };

/** The zones a file can be read in: UTC, this computer's zone, fixed offsets, then every place. */
export function zoneOptions(): {
  common: ZoneOption[];
  offsets: ZoneOption[];
  places: ZoneOption[];
} {
  const local = localTimeZone();
  const common: ZoneOption[] = [{ value: UTC_ZONE, label: 'UTC' }];
  if (local && local !== 'UTC') common.push({ value: local, label: `${local} (this computer)` });
  const offsets = OFFSETS.map((minutes) => {
    const value = formatOffset(minutes);
    return { value, label: zoneLabel(value) };
  });
  const places = supportedTimeZones().map((zone) => ({ value: zone, label: zone }));
  return { common, offsets, places };
}
