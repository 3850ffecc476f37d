import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what the last full garbage collection kept before
 * it runs the next one, in percent, in a process that serves (docs/performance.md, "Memory").
 */
export const SERVING_HEAP_GROWING_PERCENT = 50;

/** What {@link tuneHeapForServing} did: the V8 flag it set, or why it set none. */
export type HeapTuning = { readonly applied: string } | { readonly skipped: string };

/**
 * Makes V8 collect the old generation when it has grown by {@link SERVING_HEAP_GROWING_PERCENT}
 * over what the last full collection kept. V8's own factor goes up to 4× on a machine with a
 * few GiB of memory: under load a server whose live heap is ~20 MiB let its old generation fill
 * with ~60 MiB of garbage before collecting, most of its peak RSS. A full collection of a heap
 * that small costs a few milliseconds, so collecting more often costs no measurable CPU.
 *
 * The flag is read by V8 at every collection, so setting it at start-up works without a node
 * command-line option, the same way for `npm start`, the `waymark` bin and the bench.
 * A `--heap-growing-percent` given to node on the command line wins.
 */
export function tuneHeapForServing(
  execArgv: readonly string[] = process.execArgv,
  setFlags: (flags: string) => void = setFlagsFromString,
): HeapTuning {
  const given = execArgv.find((argument) => /^--heap[-_]growing[-_]percent(=|$)/.test(argument));
  if (given !== undefined) return { skipped: `node was started with ${given}` };
  const flag = `--heap-growing-percent=${SERVING_HEAP_GROWING_PERCENT}`;
  setFlags(flag);
  return { applied: flag };
}
