/**
 * The `waymark` command line, run as a real child process (bin/waymark.js) against a temporary
 * data folder: import vendor XML and JSON, list, show, refusals, and `serve` with a signal.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectSchemes } from '../support/scheme-fixtures.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'bin', 'waymark.js');
const VACATION_XML = projectSchemes.file('VacationRequest');

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment without any Waymark setting of the machine running the tests. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('WAYMARK_') && key !== 'PORT' && key !== 'HOST' && key !== 'DATABASE_URL') env[key] = value;
  }
  return { ...env, ...extra };
}

/** A fresh working folder; the CLI's default data folder `./data` lands inside it. */
function workFolder(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'waymark-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function waymark(cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: cleanEnv(env), timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

test('--help lists the commands', async (t) => {
  const result = await waymark(workFolder(t), ['--help']);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /serve \[options\]/);
  assert.match(result.stdout, /scheme/);
});

test('import vendor XML, import again as version 2, list, and show as text, JSON and the original XML', async (t) => {
  const cwd = workFolder(t);

  const first = await waymark(cwd, ['scheme', 'import', VACATION_XML, '--json']);
  assert.equal(first.code, 0, first.stderr);
  const imported = JSON.parse(first.stdout) as { code: string; version: number; activities: number; importedFromXml: boolean; externalNeeds: { actions: string[] } };
  assert.equal(imported.code, 'VacationRequest');
  assert.equal(imported.version, 1);
  assert.equal(imported.activities, 5);
  assert.equal(imported.importedFromXml, true);
  assert.deepEqual(imported.externalNeeds.actions, ['JsonBackup']);

  const second = await waymark(cwd, ['scheme', 'import', VACATION_XML]);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /^Imported scheme 'VacationRequest' version 2 /);
  assert.match(second.stdout, /Needs a callback server for actions JsonBackup/);

  const list = await waymark(cwd, ['scheme', 'list', '--json']);
  assert.equal(list.code, 0, list.stderr);
  const listed = JSON.parse(list.stdout) as { code: string; version: number }[];
  assert.deepEqual(listed.map((s) => [s.code, s.version]), [['VacationRequest', 2]]);

  const text = await waymark(cwd, ['scheme', 'show', 'VacationRequest']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^Scheme VacationRequest, version 2/);
  assert.match(text.stdout, /VacationRequestCreated state=VacationRequestCreated \[initial\]/);
  assert.match(text.stdout, /Draft_ManagerSigning_1: VacationRequestCreated -> ManagerSigning on Command StartSigning/);

  const xml = await waymark(cwd, ['scheme', 'show', 'VacationRequest', '--version', '1', '--xml']);
  assert.equal(xml.code, 0, xml.stderr);
  assert.equal(xml.stdout.trimEnd(), readFileSync(VACATION_XML, 'utf8').replace(/^\uFEFF/, '').trimEnd());
});

test('a scheme shown as JSON imports back under another code', async (t) => {
  const cwd = workFolder(t);
  assert.equal((await waymark(cwd, ['scheme', 'import', VACATION_XML])).code, 0);

  const shown = await waymark(cwd, ['scheme', 'show', 'VacationRequest', '--json']);
  assert.equal(shown.code, 0, shown.stderr);
  const stored = JSON.parse(shown.stdout) as { version: number; definition: { code: string } };
  assert.equal(stored.version, 1);
  assert.equal(stored.definition.code, 'VacationRequest');
  writeFileSync(join(cwd, 'vacation.json'), JSON.stringify(stored.definition));

  const copy = await waymark(cwd, ['scheme', 'import', 'vacation.json', '--code', 'VacationCopy', '--json']);
  assert.equal(copy.code, 0, copy.stderr);
  const summary = JSON.parse(copy.stdout) as { code: string; version: number; importedFromXml: boolean };
  assert.deepEqual([summary.code, summary.version, summary.importedFromXml], ['VacationCopy', 1, false]);

  const list = await waymark(cwd, ['scheme', 'list']);
  assert.match(list.stdout, /^CODE\s+VERSION\s+NAME/);
  assert.match(list.stdout, /\nVacationCopy\s+1\s/);
  assert.match(list.stdout, /\nVacationRequest\s+1\s/);
});

test('a refused scheme exits 1 and names every problem; nothing is stored', async (t) => {
  const cwd = workFolder(t);
  const refused = await waymark(cwd, ['scheme', 'import', projectSchemes.file('FileWriteRead')]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^Error: the scheme 'FileWriteRead' was refused \(WM_SCHEME_UNSUPPORTED\), 3 problems:/);
  for (const action of ['FileWrite', 'FileRead', 'FileDelete']) assert.match(refused.stderr, new RegExp(`file action "${action}"`));
  assert.doesNotMatch(refused.stderr, /\n\s+at /, 'no stack trace');

  const asJson = await waymark(cwd, ['scheme', 'import', projectSchemes.file('FileWriteRead'), '--json']);
  assert.equal(asJson.code, 1);
  const error = (JSON.parse(asJson.stdout) as { error: { code: string; problems: unknown[] } }).error;
  assert.equal(error.code, 'WM_SCHEME_UNSUPPORTED');
  assert.equal(error.problems.length, 3);

  const list = await waymark(cwd, ['scheme', 'list', '--json']);
  assert.deepEqual(JSON.parse(list.stdout), []);
});

test('files that are neither XML nor JSON, missing files and unknown schemes exit 1 with a clear message', async (t) => {
  const cwd = workFolder(t);
  writeFileSync(join(cwd, 'notes.txt'), 'this is not a scheme');

  const garbage = await waymark(cwd, ['scheme', 'import', 'notes.txt']);
  assert.equal(garbage.code, 1);
  assert.match(garbage.stderr, /\(WM_SCHEME_PARSE\)/);
  assert.match(garbage.stderr, /notes\.txt: neither XML \(it does not start with '<'\) nor valid JSON/);

  const missing = await waymark(cwd, ['scheme', 'import', 'nowhere.xml']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'Error: Cannot read scheme file nowhere.xml: no such file (WM_INPUT_INVALID)\n');

  const unknown = await waymark(cwd, ['scheme', 'show', 'Nope', '--json']);
  assert.equal(unknown.code, 1);
  assert.deepEqual(JSON.parse(unknown.stdout), { error: { code: 'WM_SCHEME_NOT_FOUND', message: "Scheme 'Nope' is not found" } });
});

test('an invalid setting exits 1 with the message and no stack trace', async (t) => {
  const cwd = workFolder(t);
  const badFlag = await waymark(cwd, ['serve', '--port', 'abc']);
  assert.equal(badFlag.code, 1);
  assert.equal(badFlag.stderr, 'Error: --port must be an integer from 1 to 65535 (or 0 for any free port), got "abc" (WM_CONFIG_INVALID)\n');

  const badEnv = await waymark(cwd, ['scheme', 'list'], { WAYMARK_MAX_AUTO_STEPS: 'lots' });
  assert.equal(badEnv.code, 1);
  assert.equal(badEnv.stderr, 'Error: WAYMARK_MAX_AUTO_STEPS must be an integer from 1 to 1000000, got "lots" (WM_CONFIG_INVALID)\n');
});

test('serve listens, answers /readiness, and stops cleanly on SIGTERM', async (t) => {
  const cwd = workFolder(t);
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1'], { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Waymark is listening on (http:\/\/[^"]+)"/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.stderr.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before listening:\n${output}`)));
  });

  const readiness = await fetch(`${url}/readiness`);
  assert.equal(readiness.status, 200);
  const readinessBody = (await readiness.json()) as Record<string, unknown>;
  assert.match(String(readinessBody.nodeId), /^[0-9a-f-]{36}$/, 'the node names itself');
  assert.deepEqual({ ...readinessBody, nodeId: 'id' }, { status: 'ready', store: 'ok', runtime: 'running', nodeId: 'id' });

  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.match(output, /"msg":"Waymark stopped"/);
});
