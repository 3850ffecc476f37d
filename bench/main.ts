/**
 * `npm run bench -- [scenario ...] [--duration s] ...`: runs the scenarios, prints the Markdown
 * table on stdout and writes bench/results/latest.{json,md}. Progress goes to stderr.
 */
import { WaymarkError } from '../src/errors/index.js';
import { parseBenchArguments } from './options.js';
import { progressOnStream } from './progress.js';
import { renderMarkdown, writeResults } from './report.js';
import { runBench } from './run.js';
import { SCENARIOS } from './scenarios/index.js';

const argv = process.argv.slice(2);
try {
  const options = parseBenchArguments(argv, SCENARIOS.map((scenario) => scenario.name));
  const progress = progressOnStream();
  const run = await runBench(options, progress, ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '));
  if (options.resultsDir !== null) {
    const written = writeResults(run, options.resultsDir);
    progress.log(`results: ${written.json}, ${written.markdown}`);
  }
  process.stdout.write(renderMarkdown(run));
  process.exitCode = run.reports.some((report) => report.status === 'failed') ? 1 : 0;
} catch (error) {
  if (error instanceof WaymarkError) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
  } else throw error;
}
