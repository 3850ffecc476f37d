/**
 * Keeps the bench code working: every scenario runs with tiny sizes and must either measure
 * or say it is not yet runnable. No timing is asserted — benchmarks are not tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WaymarkError } from '../src/errors/index.js';
import { assertLoopback } from './load.js';
import { DEFAULT_OPTIONS, parseBenchArguments } from './options.js';
import { percentilesOf } from './percentiles.js';
import { silentProgress } from './progress.js';
import { renderMarkdown } from './report.js';
import { runBench } from './run.js';
import { SCENARIOS } from './scenarios/index.js';
import { measureStorageCeiling } from './storage-ceiling.js';
import { cpuSecondsOf } from './server-process.js';
import { Worker } from 'node:worker_threads';

const NAMES = SCENARIOS.map((scenario) => scenario.name);

test('arguments choose scenarios by name and sizes by flag', () => {
  const options = parseBenchArguments(['create', 'execute', '--duration', '5', '--instances', '200'], NAMES);
  assert.deepEqual(options.scenarios, ['create', 'execute']);
  assert.equal(options.durationSeconds, 5);
  assert.equal(options.instances, 200);
  assert.equal(options.connections, DEFAULT_OPTIONS.connections);
});

test('an unknown scenario or flag, or a bad number, is refused with WM_INPUT_INVALID', () => {
  for (const argv of [['nope'], ['--fast'], ['--duration', '-1'], ['--instances', '1.5'], ['--duration']]) {
    assert.throws(() => parseBenchArguments(argv, NAMES), (error: unknown) => error instanceof WaymarkError && error.code === 'WM_INPUT_INVALID', argv.join(' '));
  }
});

test('load is only ever sent to the loopback interface', () => {
  assert.doesNotThrow(() => assertLoopback('http://127.0.0.1:8077'));
  assert.throws(() => assertLoopback('http://10.0.0.5:8077'), (error: unknown) => error instanceof WaymarkError && error.code === 'WM_INPUT_INVALID');
});

test("a process's CPU counts every thread's; its main thread's leaves out another thread's work", async () => {
  const processBefore = cpuSecondsOf(process.pid)!;
  const mainBefore = cpuSecondsOf(process.pid, true)!;
  // A thread that keeps a core busy for half a second (this thread waits, idle).
  const busy = new Worker('const end = Date.now() + 500; while (Date.now() < end);', { eval: true });
  await new Promise((resolve) => busy.once('exit', resolve));
  const processSpent = cpuSecondsOf(process.pid)! - processBefore;
  const mainSpent = cpuSecondsOf(process.pid, true)! - mainBefore;
  assert.ok(processSpent - mainSpent >= 0.1, `process ${processSpent} s, main thread ${mainSpent} s`);
});

test('percentiles are nearest-rank over the samples', () => {
  const samples = Array.from({ length: 100 }, (_, index) => index + 1);
  assert.deepEqual(percentilesOf(samples), { count: 100, p50: 50, p95: 95, p99: 99, max: 100 });
  assert.equal(percentilesOf([]).count, 0);
});

test('the storage ceiling commits durable single-row transactions within its bounds', async () => {
  const ceiling = await measureStorageCeiling(0.2, 50, silentProgress);
  assert.ok(ceiling.transactions > 0 && ceiling.transactions <= 50);
  assert.ok(ceiling.perSecond > 0);
});

test('every scenario measures or says it is not yet runnable, with tiny sizes', { timeout: 120_000 }, async () => {
  const options = { ...DEFAULT_OPTIONS, durationSeconds: 0.2, instances: 200, timers: 100, rate: 100, connections: 2, resultsDir: null };
  const run = await runBench(options, silentProgress, 'bench.test');
  assert.deepEqual(run.reports.map((report) => report.scenario), NAMES);
  for (const report of run.reports) {
    assert.notEqual(report.status, 'failed', `${report.scenario}: ${report.reason ?? ''}`);
    if (report.status === 'measured') {
      assert.ok(report.measurements.length > 0, report.scenario);
      for (const measurement of report.measurements) assert.ok(measurement.value === null || Number.isFinite(measurement.value), `${report.scenario} ${measurement.metric}`);
    } else {
      assert.ok((report.reason ?? '').length > 0, `${report.scenario} says why it cannot run`);
    }
  }
  // The timers scenario checks the runtime's promise itself: every due timer fired, none twice.
  const timers = run.reports.find((report) => report.scenario === 'timers');
  const figure = (prefix: string) => timers?.measurements.find((measurement) => measurement.metric.startsWith(prefix))?.value;
  assert.equal(timers?.parameters.fired, options.timers);
  assert.equal(figure('instances whose timer fired twice'), 0);
  assert.equal(figure('timers left unfired'), 0);
  const markdown = renderMarkdown(run);
  for (const name of NAMES) assert.match(markdown, new RegExp(`\\| ${name} \\|`));
});
