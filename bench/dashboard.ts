/**
 * The Dashboard's cost with many instances stored: a SQLite workspace seeded with N instances
 * (each with its history, outbox and inbox rows: N inbox items, `bench/seed.ts`), N/10 armed timers
 * and N/100 error log entries, then `GET /admin/api/dashboard` and
 * `GET /admin/api/dashboard/latest-instances` answered by the real HTTP app (`buildServer`
 * with the admin API, a signed-in session), each R times after a warm-up. Prints the median,
 * p95 and slowest answer of each. The ceiling: 50 ms with 1,000,000 instances.
 *
 *   npx tsx bench/dashboard.ts [N=1000000] [--runs 50]
 */
import BetterSqlite3 from 'better-sqlite3';
import { SettingsService } from '../src/access/index.js';
import { loadConfig } from '../src/config/index.js';
import { waymarkPlugin } from '../src/dialects/admin-api/index.js';
import { buildApp } from '../src/server/index.js';
import { createLogger } from '../src/logging/index.js';
import { createSqliteStore } from '../src/store/index.js';
import { percentilesOf } from './percentiles.js';
import { progressOnStream } from './progress.js';
import { seedInstances } from './seed.js';
import { prepareWorkspace } from './workspace.js';

const count = Number(process.argv.slice(2).find((argument) => /^\d+$/.test(argument)) ?? 1_000_000);
const runsAt = process.argv.indexOf('--runs');
const runs = runsAt >= 0 ? Number(process.argv[runsAt + 1]) : 50;
const password = 'bench dashboard password';
const progress = progressOnStream();

const workspace = await prepareWorkspace();
try {
  const seconds = await seedInstances(workspace.databaseFile, count, progress);
  seedTimersAndErrors(workspace.databaseFile, count);
  progress.update(`seeded ${count.toLocaleString('en-US')} instances in ${seconds.toFixed(1)} s`);

  const store = await createSqliteStore({ dataDir: workspace.dataDir });
  await new SettingsService(store).setAdminPassword(password);
  const app = await buildApp({
    config: loadConfig({}, { dataDir: workspace.dataDir }),
    store,
    logger: createLogger({ level: 'silent' }),
    plugins: [waymarkPlugin],
  });
  try {
    const login = await app.inject({ method: 'POST', url: '/admin/login', payload: { password } });
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    for (const url of ['/admin/api/dashboard', '/admin/api/dashboard/latest-instances']) {
      const samples: number[] = [];
      let body = '';
      for (let run = 0; run < runs + 5; run++) {
        const started = performance.now();
        const response = await app.inject({ method: 'GET', url, headers: { cookie } });
        const elapsed = performance.now() - started;
        if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}: ${response.body}`);
        body = response.body;
        if (run >= 5) samples.push(elapsed); // the first few warm the caches and the JIT
      }
      const p = percentilesOf(samples);
      progress.log(`${url}: median ${p.p50.toFixed(2)} ms, p95 ${p.p95.toFixed(2)} ms, slowest ${p.max.toFixed(2)} ms over ${runs} answers`);
      if (url === '/admin/api/dashboard') progress.log(`  ${body.slice(0, 400)}`);
    }
  } finally {
    await app.close();
    await store.close();
  }
} finally {
  workspace.remove();
}

/** Armed timers for a tenth of the instances and error log entries for a hundredth, directly. */
function seedTimersAndErrors(databaseFile: string, instances: number): void {
  const database = new BetterSqlite3(databaseFile);
  try {
    const now = Date.now();
    const insertTimer = database.prepare(`insert into timers (process_id, name, due_at) values (?, 'Reminder', ?)`);
    const insertLog = database.prepare(`insert into logs (level, message, properties, created_at) values ('error', 'bench failure', '{}', ?)`);
    database.transaction(() => {
      for (let index = 0; index < instances / 10; index++) {
        insertTimer.run(`00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`, new Date(now + 3_600_000 + index).toISOString());
      }
      for (let index = 0; index < instances / 100; index++) insertLog.run(new Date(now - index * 1000).toISOString());
    })();
    database.exec('analyze');
  } finally {
    database.close();
  }
}
