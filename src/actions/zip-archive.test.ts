import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { zipSync } from 'fflate';
import { readZip, unsafeEntryName, writeZip, MAX_COMPRESSION_RATIO } from './zip-archive.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

/**
 * An archive with exactly these entry names, made without Waymark's checks (as an attacker would).
 * `__proto__` cannot be an object key here, so it is written as `__PROTO__` and patched in the bytes.
 */
function craftedArchive(files: Record<string, Uint8Array>): Uint8Array {
  const plain: Record<string, Uint8Array> = Object.create(null) as Record<string, Uint8Array>;
  for (const [name, data] of Object.entries(files)) plain[name === '__proto__' ? '__PROTO__' : name] = data;
  return Buffer.from(Buffer.from(zipSync(plain)).toString('latin1').replaceAll('__PROTO__', '__proto__'), 'latin1');
}

/** Rewrites the declared unpacked size of every entry (central directory and local headers). */
function withDeclaredSize(archive: Uint8Array, size: number): Uint8Array {
  const copy = Buffer.from(archive);
  for (let at = 0; at + 4 <= copy.length; at += 1) {
    const signature = copy.readUInt32LE(at);
    if (signature === 0x02014b50) copy.writeUInt32LE(size, at + 24);
    else if (signature === 0x04034b50) copy.writeUInt32LE(size, at + 22);
  }
  return copy;
}

describe('ZIP archives', () => {
  it('writes and reads back files in folders, byte for byte', () => {
    const archive = writeZip([
      { name: 'Test/File1.txt', data: text('Some text 1') },
      { name: 'Test/sub/File2.txt', data: text('Some text 2') },
      { name: 'empty.txt', data: new Uint8Array(0) },
    ]);
    const entries = readZip(archive, { maxTotalBytes: 1024 });
    assert.deepEqual(entries.map((e) => [e.name, Buffer.from(e.data).toString()]), [
      ['Test/File1.txt', 'Some text 1'],
      ['Test/sub/File2.txt', 'Some text 2'],
      ['empty.txt', ''],
    ]);
  });

  it('refuses every unsafe entry name: absolute, drive letters, backslashes, .., control characters', () => {
    const unsafe = ['/etc/passwd', '../evil.txt', 'a/../../evil.txt', 'a/..', 'C:/Windows/x.txt', 'c:evil.txt', '..\\evil.txt', 'a\\b.txt', 'a//b.txt', './a.txt', 'a\u0000.txt', '__proto__'];
    for (const name of unsafe) {
      assert.notEqual(unsafeEntryName(name), null, name);
      const files: Record<string, Uint8Array> = {};
      Object.defineProperty(files, name, { value: text('x'), enumerable: true });
      assert.throws(() => readZip(craftedArchive(files), { maxTotalBytes: 1024 }), (error: Error) => {
        assert.match(error.message, /^FileUncompress: the archive cannot be unpacked: entry '.*' has an unsafe name: /);
        return true;
      }, name);
    }
    for (const name of ['a.txt', 'Test/File1.txt', 'dir/', '..hidden', 'a..b/c.txt', 'constructor']) assert.equal(unsafeEntryName(name), null, name);
  });

  it('checks every name before unpacking anything: one bad entry refuses the whole archive', () => {
    const archive = craftedArchive({ 'good.txt': text('fine'), 'sub/../../evil.txt': text('x') });
    assert.throws(() => readZip(archive, { maxTotalBytes: 1024 }), /entry 'sub\/\.\.\/\.\.\/evil\.txt' has an unsafe name: it contains a \.\. segment/);
  });

  it('refuses an archive with more entries than allowed', () => {
    const archive = craftedArchive({ 'a.txt': text('1'), 'b.txt': text('2'), 'c.txt': text('3'), 'd.txt': text('4') });
    assert.equal(readZip(archive, { maxTotalBytes: 1024, maxEntries: 4 }).length, 4);
    assert.throws(() => readZip(archive, { maxTotalBytes: 1024, maxEntries: 3 }), /it has more than 3 entries/);
  });

  it('refuses an archive that unpacks to more than the total size limit', () => {
    const archive = craftedArchive({ 'a.txt': new Uint8Array(600), 'b.txt': new Uint8Array(600) });
    assert.throws(() => readZip(archive, { maxTotalBytes: 1000 }), /it unpacks to more than 1000 bytes/);
  });

  it('refuses a large entry packed far beyond any honest ratio (a zip bomb)', () => {
    const zeros = new Uint8Array(4 * 1024 * 1024);
    const archive = craftedArchive({ 'bomb.bin': zeros });
    assert.ok(archive.length * MAX_COMPRESSION_RATIO < zeros.length, 'the crafted entry packs beyond the ratio');
    assert.throws(() => readZip(archive, { maxTotalBytes: 16 * 1024 * 1024 }), /entry 'bomb\.bin' unpacks to more than 100 times its packed size/);
  });

  it('never unpacks an entry beyond the size its header declares, and refuses one shorter than declared', () => {
    const honest = craftedArchive({ 'big.txt': text('y'.repeat(50_000)) });
    const understated = withDeclaredSize(honest, 10);
    const [entry] = readZip(understated, { maxTotalBytes: 100 });
    assert.equal(entry?.data.length, 10, 'the limits are checked against what was declared, and no more is unpacked');

    const overstated = withDeclaredSize(craftedArchive({ 'small.txt': text('short') }), 64);
    assert.throws(() => readZip(overstated, { maxTotalBytes: 100 }), /entry 'small\.txt' is shorter than its header says/);
  });

  it('refuses a file that is not a ZIP archive, and two entries of the same name', () => {
    assert.throws(() => readZip(text('not a zip at all, just some text long enough'), { maxTotalBytes: 100 }), /it is not a ZIP archive Waymark can read/);
    const one = Buffer.from(craftedArchive({ 'a.txt': text('1'), 'b.txt': text('2') }));
    // Rename the second entry to the first one's name (same length) in both of its headers.
    const twice = Buffer.from(one.toString('latin1').replaceAll('b.txt', 'a.txt'), 'latin1');
    assert.throws(() => readZip(twice, { maxTotalBytes: 100 }), /entry 'a\.txt' appears twice/);
  });

  it('refuses an archive where one name is a file and also the folder of another', () => {
    const archive = craftedArchive({ 'a/b': text('file'), 'a/b/c.txt': text('below it') });
    assert.throws(() => readZip(archive, { maxTotalBytes: 100 }), /entry 'a\/b' is a file and also the folder of 'a\/b\/c\.txt'/);
  });

  it('refuses to write an entry with an unsafe name', () => {
    assert.throws(() => writeZip([{ name: '../x.txt', data: text('x') }]), /DirectoryCompress: '\.\.\/x\.txt' cannot be stored in an archive: it contains a \.\. segment/);
  });
});
