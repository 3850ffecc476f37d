/**
 * `timers`: N timers due at the same moment, fired by the server's own runtime (TimerScheduler,
 * started by `startServer`). Seeds N BenchTimer instances with their timer due shortly after
 * the server starts, then watches the database until every timer fired (or a time bound), and
 * checks the history: one Timer transition per instance, none twice.
 */
import BetterSqlite3 from 'better-sqlite3';
import { withWaymark } from '../http-scenario.js';
import { percentilesOf } from '../percentiles.js';
import { atMost, type ScenarioReport } from '../report.js';
import { mebibytes, type Scenario } from '../scenario.js';
import { seedDueTimers } from '../seed.js';
import { prepareWorkspace } from '../workspace.js';

/** How long after seeding the timers fall due: the server is started and ready by then. */
const DUE_AFTER_MS = 2_000;
/** The wait for all timers is bounded: 6 × the 10 s target, or longer for very many timers. */
const waitBoundMs = (timers: number): number => Math.max(60_000, timers);

interface FiredFacts {
  readonly fired: number;
  readonly distinctInstances: number;
  readonly timersLeft: number;
  readonly lastFiredAt: number | null;
  readonly lagsMs: number[];
}

function firedFacts(databaseFile: string, dueAtMs: number, withLags: boolean): FiredFacts {
  const database = new BetterSqlite3(databaseFile, { readonly: true });
  try {
    const counts = database
      .prepare(`select count(*) as fired, count(distinct process_id) as distinctInstances, max(transition_time) as lastFiredAt from history where trigger_type = 'Timer'`)
      .get() as { fired: number; distinctInstances: number; lastFiredAt: string | null };
    const timersLeft = (database.prepare('select count(*) as left from timers').get() as { left: number }).left;
    const lagsMs = withLags
      ? (database.prepare(`select transition_time as at from history where trigger_type = 'Timer'`).all() as { at: string }[]).map((row) => Date.parse(row.at) - dueAtMs)
      : [];
    return { ...counts, timersLeft, lastFiredAt: counts.lastFiredAt === null ? null : Date.parse(counts.lastFiredAt), lagsMs };
  } finally {
    database.close();
  }
}

/** N timers due at once: time until all fired, lag p50/p99, each fired exactly once. */
export const timersScenario: Scenario = {
  name: 'timers',
  description: 'N timers due at once, fired by the server runtime: time until all fired, lag p50/p99, each fired once',
  async run(options, progress): Promise<ScenarioReport> {
    const workspace = await prepareWorkspace();
    let dueAtMs: number;
    try {
      await seedDueTimers(workspace.databaseFile, workspace.dataDir, options.timers, new Date(Date.now() + 3_600_000), progress);
      // Due moments are set after seeding, so seeding time never counts as lag.
      dueAtMs = Date.now() + DUE_AFTER_MS;
      const database = new BetterSqlite3(workspace.databaseFile);
      try {
        database.prepare('update timers set due_at = ?').run(new Date(dueAtMs).toISOString());
      } finally {
        database.close();
      }
    } catch (error) {
      workspace.remove();
      throw error;
    }
    const measured = await withWaymark(
      options,
      async ({ readyMs }) => {
        const readyAt = Date.now();
        const deadline = dueAtMs + waitBoundMs(options.timers);
        let facts = firedFacts(workspace.databaseFile, dueAtMs, false);
        while (facts.fired < options.timers && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          facts = firedFacts(workspace.databaseFile, dueAtMs, false);
          progress.update(`timers: ${facts.fired.toLocaleString('en-US')}/${options.timers.toLocaleString('en-US')} fired, ${((Date.now() - dueAtMs) / 1000).toFixed(1)} s after due`);
        }
        return { readyMs, readyBeforeDue: readyAt <= dueAtMs, timedOut: facts.fired < options.timers };
      },
      { workspace: { ...workspace, remove: () => {} } },
    );
    try {
      const facts = firedFacts(workspace.databaseFile, dueAtMs, true);
      const lags = percentilesOf(facts.lagsMs);
      const allFiredMs = facts.fired >= options.timers && facts.lastFiredAt !== null ? facts.lastFiredAt - dueAtMs : null;
      const duplicates = facts.fired - facts.distinctInstances;
      const seconds = facts.lastFiredAt === null ? 0 : Math.max(0.001, (facts.lastFiredAt - dueAtMs) / 1000);
      return {
        scenario: 'timers',
        status: 'measured',
        ...(measured.result.timedOut ? { reason: `stopped waiting after ${waitBoundMs(options.timers) / 1000} s with ${facts.fired} of ${options.timers} fired` } : {}),
        measurements: [
          allFiredMs === null
            ? { metric: `all ${options.timers.toLocaleString('en-US')} timers fired, from their due moment (not all fired)`, value: null, unit: 'ms', target: { text: '≤ 10,000 ms', met: false } }
            : atMost(`all ${options.timers.toLocaleString('en-US')} timers fired, from their due moment`, allFiredMs, 'ms', 10_000),
          atMost('timers fired per second', facts.fired / seconds, 'timers/s', undefined),
          atMost('fire lag p50 (fired − due)', lags.p50, 'ms', undefined),
          atMost('fire lag p95', lags.p95, 'ms', undefined),
          atMost('fire lag p99', lags.p99, 'ms', undefined),
          atMost('instances whose timer fired twice', duplicates, 'instances', 0),
          atMost('timers left unfired', facts.timersLeft, 'timers', 0),
          atMost('peak RSS', mebibytes(measured.peakRssBytes ?? 0), 'MiB', 150),
        ],
        parameters: {
          timers: options.timers,
          dueAfterSeedingMs: DUE_AFTER_MS,
          readyMs: Math.round(measured.result.readyMs),
          readyBeforeDue: measured.result.readyBeforeDue ? 'yes' : 'no',
          fired: facts.fired,
        },
      };
    } finally {
      workspace.remove();
    }
  },
};
