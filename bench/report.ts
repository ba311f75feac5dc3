import { mkdir, writeFile } from 'node:fs/promises';
import { arch, cpus, totalmem } from 'node:os';

/** One measured figure; `baseline` names the figure it is compared with, measured in the same run. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: string;
}

export interface BenchReport {
  readonly bench: string;
  readonly figures: readonly Figure[];
  /** Ratios derived from the figures, e.g. ours / baseline. */
  readonly ratios?: Readonly<Record<string, number>>;
  readonly notes?: readonly string[];
}

export const percentile = (sorted: readonly number[], p: number): number => {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
};

const machine = (): Record<string, unknown> => ({
  node: process.version,
  arch: arch(),
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
});

/** Writes bench/results/NAME.json and prints a table; returns the file path. */
export const publish = async (report: BenchReport): Promise<string> => {
  const dir = new URL('../../bench/results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  const file = new URL(`${report.bench}.json`, dir);
  const body = { ...report, machine: machine(), measuredAt: new Date().toISOString() };
  await writeFile(file, `${JSON.stringify(body, null, 2)}\n`);
  const rows = report.figures.map(
    (f) => `  ${f.name.padEnd(48)} ${f.value.toFixed(f.value < 10 ? 3 : 1).padStart(12)} ${f.unit}`,
  );
  const ratios = Object.entries(report.ratios ?? {}).map(
    ([k, v]) => `  ratio ${k.padEnd(42)} ${v.toFixed(2)}`,
  );
  process.stdout.write(
    `\n# bench ${report.bench}\n${[...rows, ...ratios, ...(report.notes ?? []).map((n) => `  note: ${n}`)].join('\n')}\n→ ${file.pathname}\n`,
  );
  return file.pathname;
};
