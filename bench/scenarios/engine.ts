/** `engine`: Waymark's pure engine against bpmn-engine on the equivalent 3-step process, in-process. */
import { bpmnApprovalRunner } from '../bpmn-baseline.js';
import { waymarkEngineRunner } from '../engine-runner.js';
import { percentilesOf } from '../percentiles.js';
import type { Progress } from '../progress.js';
import { atMost, type Measurement, type ScenarioReport } from '../report.js';
import { mebibytes, type Scenario } from '../scenario.js';

interface Throughput {
  readonly instances: number;
  readonly perSecond: number;
  readonly latencyMs: ReturnType<typeof percentilesOf>;
}

/** Runs `once` back to back for `seconds` (at most `maxInstances`), after a short warm-up. */
async function measureInstances(label: string, once: () => Promise<void>, seconds: number, maxInstances: number, progress: Progress): Promise<Throughput> {
  for (let warm = 0; warm < 50; warm++) await once();
  const samples: number[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let lastProgress = started;
  while (samples.length < maxInstances && performance.now() < deadline) {
    const before = performance.now();
    await once();
    const after = performance.now();
    samples.push(after - before);
    if (after - lastProgress > 250) {
      lastProgress = after;
      progress.update(`${label}: ${((after - started) / 1000).toFixed(0)}/${seconds}s, ${samples.length} instances`);
    }
  }
  const elapsed = (performance.now() - started) / 1000;
  return { instances: samples.length, perSecond: samples.length / elapsed, latencyMs: percentilesOf(samples) };
}

/** Instances per second from create to Finalized, ours and bpmn-engine's, and the ratio. */
export const engineScenario: Scenario = {
  name: 'engine',
  description: 'the pure engine (no HTTP, no store) against bpmn-engine, 3-step process in-process',
  async run(options, progress): Promise<ScenarioReport> {
    const maxInstances = Math.ceil(options.durationSeconds * 1_000_000);
    const ours = await measureInstances('engine: Waymark', waymarkEngineRunner(), options.durationSeconds, maxInstances, progress);
    const rssAfterOurs = process.memoryUsage().rss;
    const baseline = await measureInstances('engine: bpmn-engine', await bpmnApprovalRunner(), options.durationSeconds, maxInstances, progress);
    const ratio = baseline.perSecond > 0 ? ours.perSecond / baseline.perSecond : 0;
    const speed: Measurement = {
      metric: 'instances to Finalized per second',
      value: ours.perSecond,
      unit: 'inst/s',
      ceiling: { name: 'bpmn-engine', value: baseline.perSecond },
      ratio,
      ratioAsTimes: true,
      target: { text: '≥ 20× bpmn-engine', met: ratio >= 20 },
    };
    return {
      scenario: 'engine',
      status: 'measured',
      measurements: [
        speed,
        atMost('instance latency p50 (create + 3 commands)', ours.latencyMs.p50, 'ms', undefined),
        atMost('instance latency p95', ours.latencyMs.p95, 'ms', undefined),
        atMost('instance latency p99', ours.latencyMs.p99, 'ms', undefined),
        atMost('bpmn-engine instance latency p99', baseline.latencyMs.p99, 'ms', undefined),
        atMost('bench process RSS after the Waymark run', mebibytes(rssAfterOurs), 'MiB', undefined),
      ],
      parameters: { durationSeconds: options.durationSeconds, waymarkInstances: ours.instances, bpmnEngineInstances: baseline.instances },
    };
  },
};
