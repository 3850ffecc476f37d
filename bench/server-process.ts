/**
 * Servers under test run in a child process so the load generator and the server never share
 * one event loop (the machine has 2 cores). The child prints `{"port":N}` on stdout once it
 * listens on 127.0.0.1, and closes cleanly on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { WaymarkError } from '../src/errors/index.js';
import { ensureCompiled } from './compiled.js';

/** A running child server. */
export interface ServerProcess {
  readonly baseUrl: string;
  readonly pid: number;
  /** Milliseconds from spawn to the port being announced. */
  readonly startMs: number;
  /** The child's resident set size high-water mark so far, in bytes (Linux /proc). */
  peakRssBytes(): number | null;
  /** Asks the child to close (SIGTERM) and waits for it; kills it after 10 s. */
  stop(): Promise<void>;
}

/** Which child script: the bare fastify ceiling or Waymark itself. */
export type ServerKind = 'ceiling' | 'waymark';

/** Options of a child server. */
export interface ServerStart {
  readonly kind: ServerKind;
  /** Environment for the child (e.g. the data directory of the Waymark server). */
  readonly env?: Readonly<Record<string, string>>;
  /** Write a V8 CPU profile of the child here. */
  readonly cpuProfileDir?: string | null;
  /** Run this script instead of the kind's, e.g. another checkout's `bench/servers/waymark-server.mjs` for an A/B run. */
  readonly script?: string;
}

const SCRIPTS: Record<ServerKind, string> = {
  ceiling: fileURLToPath(new URL('./servers/ceiling-server.mjs', import.meta.url)),
  waymark: fileURLToPath(new URL('./servers/waymark-server.mjs', import.meta.url)),
};

function peakRssOf(pid: number): number | null {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ: 100 on every Linux here). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) a process has used so far, or null when it cannot be read.
 * Unlike throughput, CPU per request hardly depends on what else the machine runs. With
 * `mainThreadOnly`, only its main thread's (Linux gives the main thread the process's id): the
 * thread that serves every request, which bounds the throughput when other threads (the SQLite
 * step writer, GC helpers) work beside it.
 */
export function cpuSecondsOf(pid: number, mainThreadOnly = false): number | null {
  try {
    const stat = readFileSync(mainThreadOnly ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name, which may itself hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const userTicks = Number(fields[11]);
    const systemTicks = Number(fields[12]);
    if (!Number.isFinite(userTicks) || !Number.isFinite(systemTicks)) return null;
    return (userTicks + systemTicks) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Starts a child server and resolves once it listens. */
export async function startServer(start: ServerStart): Promise<ServerProcess> {
  // Both children are plain JavaScript; Waymark's is the compiled dist/ (as `npm start`).
  if (start.kind === 'waymark') ensureCompiled((line) => process.stderr.write(`${line}\n`));
  const nodeArguments: string[] = [];
  if (start.cpuProfileDir) nodeArguments.push('--cpu-prof', `--cpu-prof-dir=${start.cpuProfileDir}`);
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, [...nodeArguments, start.script ?? SCRIPTS[start.kind]], {
    env: { ...process.env, ...start.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timeout = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new WaymarkError('WM_INTERNAL', `The ${start.kind} server did not start within 30 s: ${stderr}`, { kind: start.kind }));
    }, 30_000);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const announced = JSON.parse(line) as { port?: unknown };
        if (typeof announced.port === 'number') {
          clearTimeout(timeout);
          resolve(announced.port);
        }
      } catch {
        // Ordinary log lines are not the announcement.
      }
    });
    void exited.then((code) => {
      clearTimeout(timeout);
      reject(new WaymarkError('WM_INTERNAL', `The ${start.kind} server exited (code ${code}) before listening: ${stderr.trim()}`, { kind: start.kind, exitCode: code }));
    });
  });
  const startMs = performance.now() - started;
  const pid = child.pid as number;
  let lastPeak: number | null = null;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    pid,
    startMs,
    peakRssBytes() {
      lastPeak = peakRssOf(pid) ?? lastPeak;
      return lastPeak;
    },
    async stop() {
      lastPeak = peakRssOf(pid) ?? lastPeak;
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
