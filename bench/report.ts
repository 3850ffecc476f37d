/**
 * What a scenario reports, and how a run's reports become JSON and a Markdown table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchOptions } from './options.js';

/** One measured figure with what it is compared to. */
export interface Measurement {
  readonly metric: string;
  readonly value: number | null;
  readonly unit: string;
  /** The ceiling measured in the same run, when the figure has one. */
  readonly ceiling?: { readonly name: string; readonly value: number } | undefined;
  /** value / ceiling.value (or the speed-up over a baseline). */
  readonly ratio?: number | undefined;
  /** Show the ratio as a speed-up (`23×`) rather than a percentage. */
  readonly ratioAsTimes?: boolean | undefined;
  /** The target as text (e.g. `≥ 25 % of ceiling`), and whether it was met. */
  readonly target?: { readonly text: string; readonly met: boolean } | undefined;
}

/** The outcome of one scenario. */
export interface ScenarioReport {
  readonly scenario: string;
  readonly status: 'measured' | 'not yet runnable' | 'failed';
  /** Why it did not run or failed. */
  readonly reason?: string;
  readonly measurements: readonly Measurement[];
  /** Sizes and settings the figures depend on. */
  readonly parameters: Readonly<Record<string, number | string>>;
}

/** The machine a run happened on. */
export interface MachineFacts {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
}

/** A whole run. */
export interface BenchRun {
  readonly startedAt: string;
  readonly command: string;
  readonly machine: MachineFacts;
  readonly options: BenchOptions;
  readonly reports: readonly ScenarioReport[];
}

/** Facts about this machine. */
export function machineFacts(): MachineFacts {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** Builds a ratio measurement row: our figure against a ceiling, with an optional minimum ratio. */
export function againstCeiling(metric: string, value: number, unit: string, ceilingName: string, ceilingValue: number, minimumRatio?: number): Measurement {
  const ratio = ceilingValue > 0 ? value / ceilingValue : 0;
  return {
    metric,
    value,
    unit,
    ceiling: { name: ceilingName, value: ceilingValue },
    ratio,
    target: minimumRatio === undefined ? undefined : { text: `≥ ${Math.round(minimumRatio * 100)} % of ceiling`, met: ratio >= minimumRatio },
  };
}

/**
 * The server's CPU time per request against the HTTP ceiling's, as the ratio ceiling ÷ ours: the
 * throughput ratio a CPU-bound server reaches, read from CPU time and so hardly moved by other
 * load on the machine (which swings the throughput ratio). Null when either was not measured.
 */
export function cpuAgainstCeiling(metric: string, oursMs: number | null, ceilingMs: number | null): Measurement | null {
  if (oursMs === null || ceilingMs === null || oursMs <= 0) return null;
  return { metric, value: oursMs * 1000, unit: 'µs', ceiling: { name: 'HTTP ceiling, µs', value: ceilingMs * 1000 }, ratio: ceilingMs / oursMs };
}

/** The measurement as a list of one, or an empty list when there is none (for spreading into rows). */
export function present(measurement: Measurement | null): Measurement[] {
  return measurement === null ? [] : [measurement];
}

/** A measurement with an upper-bound target (`value ≤ limit`). */
export function atMost(metric: string, value: number, unit: string, limit: number | undefined): Measurement {
  return { metric, value, unit, target: limit === undefined ? undefined : { text: `≤ ${formatNumber(limit)} ${unit}`, met: value <= limit } };
}

/** Human-readable number: grouped thousands, at most 2 decimals (3 below 1). */
export function formatNumber(value: number): string {
  const digits = Math.abs(value) < 1 ? 3 : Math.abs(value) < 100 ? 2 : 0;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** The run as a Markdown document: machine, command and one table row per measurement. */
export function renderMarkdown(run: BenchRun): string {
  const lines = [
    `# Waymark benchmark results`,
    '',
    `- Started: ${run.startedAt}`,
    `- Command: \`${run.command}\``,
    `- Machine: ${run.machine.cpus} CPUs (${run.machine.cpuModel}), ${run.machine.memoryGiB} GiB RAM, Node ${run.machine.node}, ${run.machine.platform}`,
    `- Load shape: ${run.options.connections} connections, pipelining ${run.options.pipelining}, ${run.options.durationSeconds} s per measurement`,
    '',
    '| scenario | metric | measured | ceiling / baseline | ratio | target | met |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const report of run.reports) {
    if (report.status !== 'measured') {
      lines.push(`| ${report.scenario} | **${report.status}** | ${(report.reason ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ')} | | | | |`);
      continue;
    }
    for (const m of report.measurements) {
      const measured = m.value === null ? 'n/a' : `${formatNumber(m.value)} ${m.unit}`;
      const ceiling = m.ceiling ? `${formatNumber(m.ceiling.value)} (${m.ceiling.name})` : '';
      const ratio = m.ratio === undefined ? '' : m.ratioAsTimes ? `${formatNumber(m.ratio)}×` : `${(m.ratio * 100).toFixed(1)} %`;
      const met = m.target === undefined ? '' : m.target.met ? 'yes' : '**no**';
      lines.push(`| ${report.scenario} | ${m.metric} | ${measured} | ${ceiling} | ${ratio} | ${m.target?.text ?? ''} | ${met} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Writes `latest.json` and `latest.md` under `directory`; returns their paths. */
export function writeResults(run: BenchRun, directory: string): { json: string; markdown: string } {
  mkdirSync(directory, { recursive: true });
  const json = join(directory, 'latest.json');
  const markdown = join(directory, 'latest.md');
  writeFileSync(json, `${JSON.stringify(run, null, 2)}\n`);
  writeFileSync(markdown, renderMarkdown(run));
  return { json, markdown };
}
