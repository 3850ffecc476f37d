import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { loadConfig, type Config } from '../config/index.js';
import { SchemeInvalidError, WaymarkError } from '../errors/index.js';
import type { SchemeDefinition } from '../scheme/model.js';
import type { WorkflowService } from '../services/index.js';
import { withCommandLineServices } from '../server/command-line-services.js';
import type { StoredScheme } from '../store/index.js';
import type { CliIo } from './cli-io.js';

/** The store options every scheme command takes. */
export interface StoreFlags {
  readonly dataDir?: string;
  readonly databaseUrl?: string;
}

/** A stored scheme version in a few fields: what `list` shows and `import` reports. */
export interface SchemeSummary {
  readonly id: string;
  readonly code: string;
  readonly version: number;
  readonly name: string;
  readonly tags: readonly string[];
  readonly createdAt: string;
  readonly activities: number;
  readonly transitions: number;
  readonly commands: number;
  readonly importedFromXml: boolean;
  readonly externalNeeds: { readonly actions: readonly string[]; readonly conditions: readonly string[]; readonly rules: readonly string[] };
}

/** Opens the configured store, runs `work` with a service over it, and always closes the store. */
async function withService<T>(flags: StoreFlags, io: CliIo, work: (service: WorkflowService, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig(io.env, flags, io.cwd);
  return withCommandLineServices(config, io.env, (services) => work(services.workflow, config));
}

/** Summarises one stored version. */
export function summarize(stored: StoredScheme): SchemeSummary {
  const definition = stored.definition;
  return {
    id: stored.id,
    code: stored.code,
    version: stored.version,
    name: definition.name,
    tags: stored.tags,
    createdAt: stored.createdAt,
    activities: definition.activities.length,
    transitions: definition.transitions.length,
    commands: definition.commands.length,
    importedFromXml: stored.sourceXml !== null,
    externalNeeds: definition.externalNeeds ?? { actions: [], conditions: [], rules: [] },
  };
}

/**
 * Reads a scheme file: vendor XML when its name ends in `.xml` or its text starts with `<`,
 * Waymark's JSON format otherwise.
 */
export async function readSchemeFile(path: string, cwd: string): Promise<{ xml: string } | { json: unknown }> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), 'utf8');
  } catch (error) {
    const reason = (error as { code?: string }).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new WaymarkError('WM_INPUT_INVALID', `Cannot read scheme file ${path}: ${reason}`, { path });
  }
  const content = text.replace(/^\uFEFF/, '');
  if (extname(path).toLowerCase() === '.xml' || content.trimStart().startsWith('<')) return { xml: content };
  try {
    return { json: JSON.parse(content) as unknown };
  } catch (error) {
    throw new SchemeInvalidError('WM_SCHEME_PARSE', [
      { where: path, message: `neither XML (it does not start with '<') nor valid JSON: ${(error as Error).message}` },
    ]);
  }
}

/** `waymark scheme import <file>`: compiles and stores a new version; every problem is reported. */
export async function importSchemeCommand(file: string, options: StoreFlags & { code?: string; json?: boolean }, io: CliIo): Promise<number> {
  const source = await readSchemeFile(file, io.cwd);
  const stored = await withService(options, io, (service) =>
    service.saveScheme({ ...source, ...(options.code === undefined ? {} : { code: options.code }) }),
  );
  const summary = summarize(stored);
  if (options.json) {
    io.writeOut(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  }
  io.writeOut(`Imported scheme '${summary.code}' version ${summary.version} (id ${summary.id})\n`);
  io.writeOut(`  ${summary.activities} activities, ${summary.transitions} transitions, ${summary.commands} commands\n`);
  const needs = describeExternalNeeds(summary.externalNeeds);
  if (needs !== '') io.writeOut(`  Needs a callback server for ${needs}\n`);
  return 0;
}

/** `waymark scheme list`: the latest version of every scheme. */
export async function listSchemesCommand(options: StoreFlags & { json?: boolean }, io: CliIo): Promise<number> {
  const schemes = await withService(options, io, (service) => service.listSchemes());
  const summaries = [...schemes].map(summarize).sort((a, b) => a.code.localeCompare(b.code));
  if (options.json) {
    io.writeOut(`${JSON.stringify(summaries, null, 2)}\n`);
    return 0;
  }
  if (summaries.length === 0) {
    io.writeOut('No schemes yet. Import one with: waymark scheme import <file>\n');
    return 0;
  }
  io.writeOut(
    formatTable(
      ['CODE', 'VERSION', 'NAME', 'ACTIVITIES', 'CREATED'],
      summaries.map((s) => [s.code, String(s.version), s.name, String(s.activities), s.createdAt]),
    ),
  );
  return 0;
}

/** `waymark scheme show <code>`: one version as text, as JSON, or as the XML it was imported from. */
export async function showSchemeCommand(
  code: string,
  options: StoreFlags & { version?: string; json?: boolean; xml?: boolean },
  io: CliIo,
): Promise<number> {
  if (options.json && options.xml) {
    throw new WaymarkError('WM_INPUT_INVALID', 'Choose one of --json and --xml', {});
  }
  const version = parseVersion(options.version);
  const stored = await withService(options, io, (service) => service.getScheme(code, version));
  if (options.xml) {
    if (stored.sourceXml === null) {
      throw new WaymarkError('WM_INPUT_INVALID', `Scheme '${stored.code}' version ${stored.version} was not imported from XML; use --json to see it`, { schemeCode: stored.code });
    }
    io.writeOut(stored.sourceXml.endsWith('\n') ? stored.sourceXml : `${stored.sourceXml}\n`);
    return 0;
  }
  if (options.json) {
    const { sourceXml: _sourceXml, ...rest } = stored;
    io.writeOut(`${JSON.stringify({ ...rest, importedFromXml: stored.sourceXml !== null }, null, 2)}\n`);
    return 0;
  }
  io.writeOut(describeScheme(stored));
  return 0;
}

function parseVersion(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new WaymarkError('WM_INPUT_INVALID', `--version must be a positive integer, got ${JSON.stringify(text)}`, { value: text });
  }
  return Number(text);
}

function describeExternalNeeds(needs: SchemeSummary['externalNeeds']): string {
  const parts = [
    needs.actions.length > 0 ? `actions ${needs.actions.join(', ')}` : '',
    needs.conditions.length > 0 ? `conditions ${needs.conditions.join(', ')}` : '',
    needs.rules.length > 0 ? `actor rules ${needs.rules.join(', ')}` : '',
  ];
  return parts.filter((part) => part !== '').join('; ');
}

/** The human-readable view of one scheme version. */
function describeScheme(stored: StoredScheme): string {
  const definition: SchemeDefinition = stored.definition;
  const lines: string[] = [
    `Scheme ${stored.code}, version ${stored.version}`,
    `  id:       ${stored.id}`,
    `  name:     ${definition.name}`,
    `  created:  ${stored.createdAt}`,
    `  source:   ${stored.sourceXml === null ? 'JSON' : 'vendor XML'}`,
  ];
  if (stored.tags.length > 0) lines.push(`  tags:     ${stored.tags.join(', ')}`);
  const needs = describeExternalNeeds(summarize(stored).externalNeeds);
  if (needs !== '') lines.push(`  needs a callback server for ${needs}`);

  lines.push('', `Activities (${definition.activities.length}):`);
  for (const activity of definition.activities) {
    const marks = [activity.isInitial ? 'initial' : '', activity.isFinal ? 'final' : ''].filter((mark) => mark !== '');
    const state = activity.state === null ? '' : ` state=${activity.state}`;
    lines.push(`  ${activity.name}${state}${marks.length > 0 ? ` [${marks.join(', ')}]` : ''}`);
  }
  lines.push('', `Transitions (${definition.transitions.length}):`);
  for (const transition of definition.transitions) {
    const trigger = transition.trigger.type === 'Auto' ? 'Auto' : `${transition.trigger.type} ${transition.trigger.name ?? ''}`.trim();
    lines.push(`  ${transition.name}: ${transition.from} -> ${transition.to} on ${trigger}`);
  }
  if (definition.commands.length > 0) {
    lines.push('', `Commands: ${definition.commands.map((command) => command.name).join(', ')}`);
  }
  if (definition.parameters.length > 0) {
    lines.push(`Parameters: ${definition.parameters.map((parameter) => `${parameter.name} (${parameter.type}, ${parameter.purpose})`).join(', ')}`);
  }
  if (definition.timers.length > 0) {
    lines.push(`Timers: ${definition.timers.map((timer) => `${timer.name} (${timer.type} ${timer.value})`).join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const format = (row: readonly string[]): string => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return `${[header, ...rows].map(format).join('\n')}\n`;
}
