// Every benchmark ends with one JSON line per figure, with the sizes it ran on.
export type BenchFigure = {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  sizes: Record<string, number | string>;
  target?: string;
};

export function report(figure: BenchFigure): void {
  process.stdout.write(`${JSON.stringify(figure)}\n`);
}
