#!/usr/bin/env node
// The `waymark` command. Runs the compiled, bundled CLI (dist/) when it is up to date with src/, and the
// TypeScript sources through tsx otherwise, so `npx waymark` works with or without a build.
import { pathToFileURL } from 'node:url';
import { compiledCli, isBuildFresh } from '../scripts/build-if-stale.mjs';

if (isBuildFresh()) {
  await import(pathToFileURL(compiledCli).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
