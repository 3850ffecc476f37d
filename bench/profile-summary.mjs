#!/usr/bin/env node
/**
 * Summarises a V8 `.cpuprofile` (from `npm run bench -- <scenario> --cpu-prof dir`):
 * self time by package or `dist/` file and by function, inclusive time of named functions, and
 * the callers of one function.
 *
 *   node bench/profile-summary.mjs <file.cpuprofile> [--from s] [--to s] [--inclusive a,b] [--callers name] [--seconds name]
 *
 * `--from`/`--to` keep the samples between those seconds of the profile (a scenario's phase);
 * `--seconds name` prints, per second of the profile, the share of samples under `name`, to find
 * that phase. Plain JavaScript: run it on any machine with the profile.
 */
import { readFileSync } from 'node:fs';

const [file, ...rest] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: node bench/profile-summary.mjs <file.cpuprofile> [--from s] [--to s] [--inclusive a,b] [--callers name] [--seconds name]');
  process.exit(2);
}
const option = (name) => {
  const index = rest.indexOf(name);
  return index >= 0 ? rest[index + 1] : undefined;
};
const from = Number(option('--from') ?? 0) * 1e6;
const to = Number(option('--to') ?? Infinity) * 1e6;

const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

/** Function names from the sample's frame up to the root. */
function stackOf(id) {
  const names = [];
  for (let current = id; current !== undefined; current = parentOf.get(current)) names.push(nodes.get(current).callFrame.functionName || '(anonymous)');
  return names;
}

function placeOf(node) {
  const { url, functionName } = node.callFrame;
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(idle)' || functionName === '(program)') return functionName;
  if (url === '') return `native ${functionName}`;
  const pkg = url.match(/node_modules\/((@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const dist = url.match(/dist\/(.*)$/);
  return dist ? `dist/${dist[1]}` : url;
}

const selfByPlace = new Map();
const selfByFunction = new Map();
const inclusive = new Map();
const callers = new Map();
const perSecond = new Map();
const callersOf = option('--callers');
const secondsOf = option('--seconds');
let clock = 0;
let total = 0;
const add = (map, key, value) => map.set(key, (map.get(key) ?? 0) + value);
for (let index = 0; index < profile.samples.length; index++) {
  const delta = profile.timeDeltas[index] ?? 0;
  clock += delta;
  const id = profile.samples[index];
  const stack = stackOf(id);
  if (secondsOf !== undefined) {
    const second = Math.floor(clock / 1e6);
    const entry = perSecond.get(second) ?? { all: 0, under: 0 };
    entry.all += delta;
    if (stack.includes(secondsOf)) entry.under += delta;
    perSecond.set(second, entry);
  }
  if (clock < from || clock > to) continue;
  total += delta;
  const node = nodes.get(id);
  const place = placeOf(node);
  add(selfByPlace, place, delta);
  add(selfByFunction, `${stack[0]}  ${place}:${node.callFrame.lineNumber + 1}`, delta);
  for (const name of new Set(stack)) add(inclusive, name, delta);
  if (callersOf !== undefined) {
    const at = stack.indexOf(callersOf);
    if (at >= 0) add(callers, stack.slice(at + 1, at + 5).join(' < '), delta);
  }
}

const share = (time, of = total) => `${((100 * time) / of).toFixed(1).padStart(5)} %`;
const top = (map, count) => [...map].sort((a, b) => b[1] - a[1]).slice(0, count);
console.log(`${(total / 1e3).toFixed(0)} ms of samples${from > 0 || to < Infinity ? ` between ${from / 1e6} s and ${to / 1e6} s` : ''}`);
console.log('\nself time by place');
for (const [place, time] of top(selfByPlace, 20)) console.log(share(time), place);
console.log('\nself time by function');
for (const [name, time] of top(selfByFunction, 30)) console.log(share(time), name);
const wanted = (option('--inclusive') ?? '').split(',').filter(Boolean);
if (wanted.length > 0) {
  console.log('\ninclusive time');
  for (const name of wanted) console.log(share(inclusive.get(name) ?? 0), name);
}
if (callersOf !== undefined) {
  const under = inclusive.get(callersOf) ?? 0;
  console.log(`\ncallers of ${callersOf} (share of its ${(under / 1e3).toFixed(0)} ms)`);
  for (const [chain, time] of top(callers, 10)) console.log(share(time, under), chain);
}
if (secondsOf !== undefined) {
  console.log(`\nshare of each second's samples under ${secondsOf}`);
  for (const [second, { all, under }] of [...perSecond].sort((a, b) => a[0] - b[0])) console.log(`${String(second).padStart(4)} s ${share(under, all)}`);
}
