export type ElectronegativityFinding = {
  id: string;
  severity: 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH';
  confidence: 'TENTATIVE' | 'FIRM' | 'CERTAIN';
  file: string;
  line: number;
  column: number;
  sample: string;
};

export type ElectronegativityScan = {
  findings: ElectronegativityFinding[];
  errors: { file: string; message: string; tolerable: boolean }[];
  checks: number;
};

export const SCANNED: readonly { folder: string; exclude: readonly string[] }[];
export function scanElectronApp(): Promise<ElectronegativityScan>;
export function isBlocking(finding: ElectronegativityFinding): boolean;
