/** Runs the chosen scenarios one after another and collects their reports. */
import { ensureCompiled } from './compiled.js';
import { stopHttpCeiling } from './http-scenario.js';
import type { BenchOptions } from './options.js';
import type { Progress } from './progress.js';
import { machineFacts, type BenchRun, type ScenarioReport } from './report.js';
import { ScenarioNotRunnable } from './scenario.js';
import { SCENARIOS } from './scenarios/index.js';

/** Runs `options.scenarios` (all when empty). A scenario that throws is reported as failed; the run goes on. */
export async function runBench(options: BenchOptions, progress: Progress, command: string): Promise<BenchRun> {
  const chosen = options.scenarios.length === 0 ? SCENARIOS : SCENARIOS.filter((scenario) => options.scenarios.includes(scenario.name));
  const reports: ScenarioReport[] = [];
  const startedAt = new Date().toISOString();
  // Before any scenario, so no figure (e.g. a timer's lag) includes compiling src/ to dist/.
  if (chosen.some((scenario) => scenario.name !== 'engine')) ensureCompiled((line) => progress.log(line));
  try {
    for (const scenario of chosen) {
      progress.log(`▶ ${scenario.name}: ${scenario.description}`);
      let report: ScenarioReport;
      try {
        report = await scenario.run(options, progress);
      } catch (error) {
        const status = error instanceof ScenarioNotRunnable ? 'not yet runnable' : 'failed';
        report = { scenario: scenario.name, status, reason: error instanceof Error ? error.message : String(error), measurements: [], parameters: {} };
      }
      progress.log(`  ${scenario.name}: ${report.status}${report.reason ? ` (${report.reason})` : ''}`);
      reports.push(report);
    }
  } finally {
    await stopHttpCeiling();
  }
  return { startedAt, command, machine: machineFacts(), options, reports };
}
