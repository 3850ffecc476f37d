/**
 * Issue #17 item 6: a scheme's stored vendor XML is the importer's text, served from the admin
 * origin. XHTML inside it (here an <img onerror> the importer keeps inside a command) would run in
 * an admin's browser if the download were shown: it is a sandboxed attachment instead.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DOWNLOAD_CONTENT_SECURITY_POLICY } from '../../src/http/index.js';
import { draftScheme, startAdminHarness } from './harness.js';

const HOSTILE_MARKUP = '<h:img xmlns:h="http://www.w3.org/1999/xhtml" src="x" onerror="alert(document.cookie)"/>';

test('given stored XML with XHTML that runs script, when an admin downloads it, then it comes as a sandboxed attachment that is never sniffed', async (t) => {
  const h = await startAdminHarness(t);
  await h.admin({ method: 'POST', url: '/admin/api/schemes', payload: draftScheme('Draft') });
  const exported = (await h.admin({ method: 'GET', url: '/admin/api/schemes/Draft?format=xml' })).body;
  const hostile = exported.replace('<Command Name="submit" />', `<Command Name="submit">${HOSTILE_MARKUP}</Command>`);
  assert.notEqual(hostile, exported);
  const imported = await h.admin({ method: 'POST', url: '/admin/api/schemes?code=Hostile', headers: { 'content-type': 'application/xml' }, payload: hostile });
  assert.equal(imported.statusCode, 201, 'the importer keeps the markup it does not know inside a command');

  for (const request of [{ url: '/admin/api/schemes/Hostile?format=xml' }, { url: '/admin/api/schemes/Hostile', headers: { accept: 'application/xml' } }]) {
    const download = await h.admin({ method: 'GET', ...request });
    assert.equal(download.statusCode, 200);
    assert.ok(download.body.includes(HOSTILE_MARKUP), 'the stored text is handed back as it was imported');
    assert.match(String(download.headers['content-disposition']), /^attachment; filename="Hostile\.v1\.xml"/);
    assert.equal(download.headers['content-security-policy'], DOWNLOAD_CONTENT_SECURITY_POLICY);
    assert.match(String(download.headers['content-security-policy']), /sandbox/);
    assert.equal(download.headers['x-content-type-options'], 'nosniff');
  }
});

test('the JSON form of a scheme is an API answer with the strictest policy, not a download', async (t) => {
  const h = await startAdminHarness(t);
  await h.admin({ method: 'POST', url: '/admin/api/schemes', payload: draftScheme('Draft') });
  const json = await h.admin({ method: 'GET', url: '/admin/api/schemes/Draft' });
  assert.equal(json.headers['content-disposition'], undefined);
  assert.match(String(json.headers['content-security-policy']), /^default-src 'none'; frame-ancestors 'none'/);
});
