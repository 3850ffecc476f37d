/**
 * Start-up, repeated: spawns server scripts like bench/servers/waymark-server.mjs (they print
 * `{"port":N}` and close on SIGTERM) and times spawn → first 200 of GET /readiness, for a first
 * start on a fresh data directory and a restart on the same data, `runs` times each, the scripts
 * interleaved so load from elsewhere falls on all of them alike. Prints median, min and max wall
 * time and the child's CPU time (user + system, all threads) at readiness, which the machine's
 * other load disturbs less. Each start also checks that the JWKS publishes one key.
 *
 *   node bench/startup-runs.mjs <runs> [--data <dir>] <label>=<script> [<label>=<script> ...]
 *
 * `--data <dir>`: every run starts on a copy of this data directory (e.g. one with 1,000,000
 * seeded instances) instead of an empty one. Linux only (/proc for the CPU time).
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const args = process.argv.slice(2);
const runs = Number(args.shift());
let template = null;
if (args[0] === '--data') {
  args.shift();
  template = args.shift();
}
if (!Number.isInteger(runs) || runs < 1 || args.length === 0 || args.some((spec) => !spec.includes('='))) {
  console.error('usage: node bench/startup-runs.mjs <runs> [--data <dir>] <label>=<script> [...]');
  process.exit(2);
}
const targets = args.map((spec) => {
  const [label, script] = spec.split('=');
  return { label, script, first: [], restart: [] };
});
const CLOCK_TICKS_PER_SECOND = 100;

async function startOnce(script, dataDir) {
  const started = performance.now();
  const child = spawn(process.execPath, [script], { env: { ...process.env, WAYMARK_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const port = await new Promise((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error(`${script} did not listen within 30 s`)), 30_000);
      createInterface({ input: child.stdout }).on('line', (line) => {
        try {
          const { port: announced } = JSON.parse(line);
          if (typeof announced === 'number') {
            clearTimeout(timeout);
            resolve(announced);
          }
        } catch {
          // A log line.
        }
      });
      void exited.then((code) => reject(new Error(`${script} exited (${code}) before listening`)));
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/readiness`);
        await response.arrayBuffer();
        if (response.ok) break;
      } catch {
        // Not accepting yet.
      }
      if (Date.now() > deadline) throw new Error(`${script}: /readiness did not answer 200 within 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const wallMs = performance.now() - started;
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
    const jwks = await (await fetch(`http://127.0.0.1:${port}/.well-known/openid-configuration/jwks`)).json();
    if (jwks.keys?.length !== 1) throw new Error(`${script}: the JWKS has ${jwks.keys?.length} keys`);
    return { wallMs, cpuMs };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

for (let run = 0; run < runs; run++) {
  for (const target of run % 2 === 0 ? targets : [...targets].reverse()) {
    const dataDir = mkdtempSync(join(tmpdir(), 'waymark-startup-'));
    try {
      if (template !== null) cpSync(template, dataDir, { recursive: true });
      target.first.push(await startOnce(target.script, dataDir));
      target.restart.push(await startOnce(target.script, dataDir));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}

const summary = (samples, field) => {
  const sorted = samples.map((sample) => sample[field]).sort((a, b) => a - b);
  return `median ${Math.round(sorted[Math.floor((sorted.length - 1) / 2)])} ms, min ${Math.round(sorted[0])}, max ${Math.round(sorted.at(-1))}`;
};
for (const { label, first, restart } of targets) {
  console.log(`${label}  first start: wall ${summary(first, 'wallMs')}; CPU ${summary(first, 'cpuMs')} (n=${first.length})`);
  console.log(`${label}  restart:     wall ${summary(restart, 'wallMs')}; CPU ${summary(restart, 'cpuMs')} (n=${restart.length})`);
}
