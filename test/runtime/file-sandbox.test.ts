/**
 * The file sandbox under attack, with real links in temp folders: links to outside, dangling
 * links, links inside links, `..` segments and letter-case tricks are each refused with a clear
 * error and touch nothing outside; files and links that stay inside still work.
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { runFileAction } from '../../src/actions/files.js';
import { readRealFile } from '../../src/actions/sandbox-files.js';
import { tempDir } from './runtime-kit.js';

const context = { instance: {} as never, parameters: {}, identityId: null };

/** Runs a file action with its parameter object. */
function run(action: string, parameter: Record<string, unknown>, sandbox: string): Promise<Record<string, unknown>> {
  return runFileAction(action, JSON.stringify(parameter), context, sandbox);
}

/** A sandbox and, beside it, an outside folder holding a secret. */
function sandboxAndOutside(t: TestContext): { sandbox: string; outside: string } {
  const sandbox = tempDir(t, 'waymark-sandbox-');
  const outside = tempDir(t, 'waymark-outside-');
  writeFileSync(join(outside, 'secret.txt'), 'outside secret');
  return { sandbox, outside };
}

const THROUGH_A_LINK = /leaves the sandbox folder through a link/;
const DANGLING = /goes through a link that points nowhere; a dangling link counts as outside the sandbox folder/;

describe('file sandbox', () => {
  it('given a link to a folder outside, FileRead, FileWrite, DirectoryCreate and FileDelete through it are refused', async (t) => {
    const { sandbox, outside } = sandboxAndOutside(t);
    symlinkSync(outside, join(sandbox, 'out'));
    symlinkSync(join(outside, 'secret.txt'), join(sandbox, 'secret-link.txt'));

    await assert.rejects(run('FileRead', { Path: 'out/secret.txt', ParameterName: 'P' }, sandbox), THROUGH_A_LINK);
    await assert.rejects(run('FileRead', { Path: 'secret-link.txt', ParameterName: 'P' }, sandbox), THROUGH_A_LINK);
    await assert.rejects(run('FileWrite', { Path: 'out/new.txt', Text: 'x' }, sandbox), THROUGH_A_LINK);
    await assert.rejects(run('FileWrite', { Path: 'secret-link.txt', Text: 'overwritten' }, sandbox), THROUGH_A_LINK);
    await assert.rejects(run('DirectoryCreate', { Path: 'out/sub' }, sandbox), THROUGH_A_LINK);
    await assert.rejects(run('FileDelete', { Path: 'out/secret.txt' }, sandbox), THROUGH_A_LINK);
    await assert.rejects(run('DirectoryDelete', { Path: 'out', WithFilesAndSubDirectory: true }, sandbox), THROUGH_A_LINK);

    assert.deepEqual(readdirSync(outside), ['secret.txt']);
    assert.equal(readFileSync(join(outside, 'secret.txt'), 'utf8'), 'outside secret');
  });

  it('given a dangling link, writing through it is refused and creates nothing outside', async (t) => {
    const { sandbox, outside } = sandboxAndOutside(t);
    symlinkSync(join(outside, 'created.txt'), join(sandbox, 'new.txt'));
    symlinkSync(join(outside, 'missing-folder'), join(sandbox, 'folder'));

    await assert.rejects(run('FileWrite', { Path: 'new.txt', Text: 'x' }, sandbox), DANGLING);
    await assert.rejects(run('FileWrite', { Path: 'folder/x.txt', Text: 'x' }, sandbox), DANGLING);
    await assert.rejects(run('DirectoryCreate', { Path: 'folder/sub' }, sandbox), DANGLING);
    await assert.rejects(run('FileRead', { Path: 'new.txt', ParameterName: 'P' }, sandbox), DANGLING);

    assert.deepEqual(readdirSync(outside), ['secret.txt']);
  });

  it('given a link named in another letter case, the case-insensitive match is checked like the exact name', async (t) => {
    const { sandbox, outside } = sandboxAndOutside(t);
    symlinkSync(outside, join(sandbox, 'Link'));
    symlinkSync(join(outside, 'notes.txt'), join(sandbox, 'Notes.txt'));

    await assert.rejects(run('FileWrite', { Path: 'link/x.txt', Text: 'x' }, sandbox), THROUGH_A_LINK);
    await assert.rejects(run('FileRead', { Path: 'LINK/secret.txt', ParameterName: 'P' }, sandbox), THROUGH_A_LINK);
    await assert.rejects(run('FileWrite', { Path: 'notes.txt', Text: 'x' }, sandbox), DANGLING);

    assert.deepEqual(readdirSync(outside), ['secret.txt']);
  });

  it('given names that differ only in letter case (Linux keeps both), the exact one is used and a guess is refused', async (t) => {
    const { sandbox, outside } = sandboxAndOutside(t);
    writeFileSync(join(sandbox, 'data.txt'), 'inside data');
    symlinkSync(join(outside, 'secret.txt'), join(sandbox, 'Data.txt'));

    assert.deepEqual(await run('FileRead', { Path: 'data.txt', ParameterName: 'P' }, sandbox), { P: 'inside data' });
    await assert.rejects(run('FileRead', { Path: 'Data.txt', ParameterName: 'P' }, sandbox), THROUGH_A_LINK);
    await assert.rejects(run('FileRead', { Path: 'DATA.txt', ParameterName: 'P' }, sandbox), /path 'DATA\.txt' is ambiguous: '(data|Data)\.txt' and '(data|Data)\.txt' differ from 'DATA\.txt' only in letter case/);
  });

  it('given a link inside that leads to a link outside, the second link is refused; the first one alone works', async (t) => {
    const { sandbox, outside } = sandboxAndOutside(t);
    mkdirSync(join(sandbox, 'inner'));
    symlinkSync(join(sandbox, 'inner'), join(sandbox, 'shortcut'));
    symlinkSync(outside, join(sandbox, 'inner', 'escape'));

    await assert.rejects(run('FileWrite', { Path: 'shortcut/escape/x.txt', Text: 'x' }, sandbox), THROUGH_A_LINK);
    await run('FileWrite', { Path: 'shortcut/ok.txt', Text: 'through a link that stays inside' }, sandbox);

    assert.equal(readFileSync(join(sandbox, 'inner', 'ok.txt'), 'utf8'), 'through a link that stays inside');
    assert.deepEqual(readdirSync(outside), ['secret.txt']);
  });

  it('refuses .. above the sandbox, absolute paths, drive letters, UNC paths and NUL; .. that stays inside works', async (t) => {
    const { sandbox, outside } = sandboxAndOutside(t);
    for (const path of ['../escape.txt', 'a/../../escape.txt', 'a\\..\\..\\escape.txt']) {
      await assert.rejects(run('FileWrite', { Path: path, Text: 'x' }, sandbox), /leaves the sandbox folder$/, path);
    }
    for (const path of ['/etc/passwd', 'C:\\Windows\\x.txt', 'c:x.txt', '\\\\server\\share\\x.txt']) {
      await assert.rejects(run('FileWrite', { Path: path, Text: 'x' }, sandbox), /is absolute; file actions take paths inside the sandbox folder/, path);
    }
    await assert.rejects(run('FileWrite', { Path: 'a\u0000.txt', Text: 'x' }, sandbox), /contains a NUL character/);

    await run('FileWrite', { Path: 'sub/../inside.txt', Text: 'kept inside' }, sandbox);
    assert.equal(readFileSync(join(sandbox, 'inside.txt'), 'utf8'), 'kept inside');
    assert.deepEqual(readdirSync(outside), ['secret.txt']);
  });

  it('normal files still work: write, append, create-new, read in another case, list-read, delete, folders', async (t) => {
    const sandbox = tempDir(t, 'waymark-sandbox-');
    await run('FileWrite', { Path: 'Docs/a.txt', Text: 'one' }, sandbox);
    await run('FileWrite', { Path: 'Docs/a.txt', Text: '+two', FileMode: 'Append' }, sandbox);
    await assert.rejects(run('FileWrite', { Path: 'docs/A.txt', Text: 'x', FileMode: 'CreateNew' }, sandbox), /file 'docs\/A\.txt' already exists \(FileMode CreateNew\)/);
    await run('FileWrite', { Path: 'Docs/b.txt', Text: 'three' }, sandbox);

    assert.deepEqual(await run('FileRead', { Path: 'docs/A.TXT', ParameterName: 'P' }, sandbox), { P: 'one+two' });
    assert.deepEqual(await run('FilesListRead', { FilesListRead: 'Docs/a.txt, Docs/b.txt => Both', Separator: '|' }, sandbox), { Both: 'one+two|three' });

    await run('FileDelete', { Path: 'Docs/b.txt' }, sandbox);
    await run('DirectoryCreate', { Path: 'Docs/sub/deeper' }, sandbox);
    assert.deepEqual(readdirSync(join(sandbox, 'Docs')).sort(), ['a.txt', 'sub']);
    await assert.rejects(run('DirectoryDelete', { Path: 'Docs' }, sandbox), /directory 'Docs' is not empty/);
    await run('DirectoryDelete', { Path: 'Docs', WithFilesAndSubDirectory: true }, sandbox);
    await assert.rejects(run('DirectoryDelete', { Path: '.' }, sandbox), /the sandbox folder itself cannot be deleted/);
    assert.deepEqual(readdirSync(sandbox), []);
  });

  it('a named pipe is refused as not a file instead of stalling the server', async (t) => {
    const sandbox = tempDir(t, 'waymark-sandbox-');
    execFileSync('mkfifo', [join(sandbox, 'pipe')]);
    await assert.rejects(run('FileRead', { Path: 'pipe', ParameterName: 'P' }, sandbox), /'pipe' is not a file/);
  });

  it('a checked path swapped for a link before it is opened is not followed (O_NOFOLLOW)', (t) => {
    const { sandbox, outside } = sandboxAndOutside(t);
    const checked = join(sandbox, 'report.txt');
    symlinkSync(join(outside, 'secret.txt'), checked);
    assert.throws(() => readRealFile('FileRead', checked, 'report.txt', 1024), /'report\.txt' became a link while it was opened; file actions do not follow it/);
  });

  it('an archive entry named to climb out, or that lands on a link out, is refused and nothing is unpacked', async (t) => {
    const { sandbox, outside } = sandboxAndOutside(t);
    const text = (value: string): Uint8Array => new TextEncoder().encode(value);
    writeFileSync(join(sandbox, 'slip.zip'), zipSync({ 'good.txt': text('fine'), '../../evil.txt': text('x') }));
    mkdirSync(join(sandbox, 'into'));
    await assert.rejects(run('FileUncompress', { ArchivePath: 'slip', DirectoryPath: 'into' }, sandbox), /entry '\.\.\/\.\.\/evil\.txt' has an unsafe name: it contains a \.\. segment/);

    symlinkSync(outside, join(sandbox, 'into', 'out'));
    writeFileSync(join(sandbox, 'through-link.zip'), zipSync({ 'good.txt': text('fine'), 'out/evil.txt': text('x') }));
    await assert.rejects(run('FileUncompress', { ArchivePath: 'through-link', DirectoryPath: 'into' }, sandbox), THROUGH_A_LINK);

    assert.deepEqual(readdirSync(join(sandbox, 'into')), ['out'], 'nothing was unpacked, not even the good entry');
    assert.deepEqual(readdirSync(outside), ['secret.txt']);
    assert.equal(existsSync(join(sandbox, '..', 'evil.txt')), false);
  });

  it('DirectoryCompress leaves links out of the archive', async (t) => {
    const { sandbox, outside } = sandboxAndOutside(t);
    mkdirSync(join(sandbox, 'Folder'));
    writeFileSync(join(sandbox, 'Folder', 'mine.txt'), 'mine');
    symlinkSync(join(outside, 'secret.txt'), join(sandbox, 'Folder', 'secret.txt'));
    await run('DirectoryCompress', { DirectoryPath: 'Folder', ArchivePath: 'Folder' }, sandbox);
    await run('FileUncompress', { ArchivePath: 'Folder', DirectoryPath: 'Unpacked' }, sandbox);
    assert.deepEqual(readdirSync(join(sandbox, 'Unpacked', 'Folder')), ['mine.txt']);
  });
});
