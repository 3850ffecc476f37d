/**
 * The schemes of a folder that need the runtime's own actions and timers, run end to end through
 * the service and the runtime: FileWriteRead and DirectoryCompress in a sandbox folder,
 * HTTPRequest against a loopback server standing in for worldtimeapi.org and httpbin.org, and
 * Timer's one-minute timer through the scheduler. Run on the project's fixtures
 * (`fixture-runs.test.ts`) and on the vendor's samples (`npm run test:vendor-schemes`).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { InstanceStatus } from '../../src/engine/index.js';
import type { SchemeFolder } from '../support/scheme-fixtures.js';
import { actor, allowlistedHarness, openHarness, sandboxedHarness, tempDir } from './runtime-kit.js';
import { startTestServer, type RecordedRequest, type TestAnswer, type TestHttpServer } from './test-http-server.js';

/** Answers like worldtimeapi.org and httpbin.org's /anything. */
export function publicApis(request: RecordedRequest): TestAnswer {
  if (request.path === '/api/timezone/America/New_York') return { json: { timezone: 'America/New_York', datetime: '2026-03-02T03:00:00-05:00' } };
  if (request.path.startsWith('/anything/')) return { json: { method: request.method, data: request.body, url: request.path } };
  return { status: 404, text: 'not here' };
}

/** HTTPRequest.xml with its public hosts pointed at `server`. */
export function pointedAt(httpRequestXml: string, server: TestHttpServer): string {
  return httpRequestXml.replaceAll('http://worldtimeapi.org', server.origin).replaceAll('http://httpbin.org', server.origin);
}

/** Registers the runtime runs of `schemes`' FileWriteRead, DirectoryCompress, HTTPRequest and Timer. */
export function describeRuntimeFixtureRuns(schemes: SchemeFolder): void {
  describe(`${schemes.label}: file actions in a sandbox folder`, () => {
    it("FileWriteRead.xml writes, reads (case-insensitively, as on the vendor's Windows), checks and deletes", async (t) => {
      const sandbox = tempDir(t);
      const h = await sandboxedHarness(t, sandbox);
      // The scheme's CheckParameter spells its key `Parameter` (not `ParameterName`): it runs unchanged.
      await h.service.saveScheme({ xml: schemes.xml('FileWriteRead') });
      const instance = await h.service.createInstance({ processId: 'f-1', schemeCode: 'FileWriteRead', actor, parameters: [] });
      assert.equal(instance.errorMessage, null);
      assert.equal(instance.activityName, 'FileAndParameterDelete');
      assert.equal(instance.status, InstanceStatus.Finalized);
      assert.deepEqual(readdirSync(sandbox), [], 'the file was deleted at the end');
    });

    it('DirectoryCompress.xml zips a folder, unzips it elsewhere, reads the files back and cleans up', async (t) => {
      const sandbox = tempDir(t);
      const h = await sandboxedHarness(t, sandbox);
      await h.service.saveScheme({ xml: schemes.xml('DirectoryCompress') });
      const instance = await h.service.createInstance({ processId: 'f-2', schemeCode: 'DirectoryCompress', actor, parameters: [] });
      assert.equal(instance.errorMessage, null);
      assert.equal(instance.activityName, 'DirectoriesDelete');
      assert.deepEqual(readdirSync(sandbox), []);
    });
  });

  describe(`${schemes.label}: HTTP actions`, () => {
    it('HTTPRequest.xml: GET stores the JSON response, CheckHTTPRequest POSTs and compares the data field', async (t) => {
      const server = await startTestServer(t, publicApis);
      const h = await allowlistedHarness(t, server.host);
      await h.service.saveScheme({ xml: pointedAt(schemes.xml('HTTPRequest'), server) });
      const instance = await h.service.createInstance({ processId: 'http-1', schemeCode: 'HTTPRequest', actor, parameters: [] });
      assert.equal(instance.errorMessage, null);
      assert.equal(instance.activityName, 'AfterRequest');
      assert.equal(instance.status, InstanceStatus.Finalized);
      assert.deepEqual(await h.service.getParameter('http-1', 'HTTPRequest_Result'), { timezone: 'America/New_York', datetime: '2026-03-02T03:00:00-05:00' });

      const [get, post] = server.requests;
      assert.equal(get?.method, 'GET');
      assert.equal(get?.path, '/api/timezone/America/New_York');
      assert.equal(post?.method, 'POST');
      assert.equal(post?.path, '/anything/%7Banything%7D');
      assert.equal(post?.body, 'true');
      assert.equal(post?.headers['content-type'], 'application/json');
    });

    it('CheckHTTPRequest is false when the field differs: the instance waits', async (t) => {
      const server = await startTestServer(t, (r) => (r.path.startsWith('/anything/') ? { json: { data: 'false' } } : publicApis(r)));
      const h = await allowlistedHarness(t, server.host);
      await h.service.saveScheme({ xml: pointedAt(schemes.xml('HTTPRequest'), server) });
      const instance = await h.service.createInstance({ processId: 'http-2', schemeCode: 'HTTPRequest', actor, parameters: [] });
      assert.equal(instance.activityName, 'HTTPRequest');
      assert.equal(instance.errorMessage, null);
    });
  });

  describe(`${schemes.label}: timers`, () => {
    it('Timer.xml (Time "1m") fires after a minute', async (t) => {
      const h = await openHarness(t);
      const stored = await h.service.saveScheme({ xml: schemes.xml('Timer') });
      await h.service.createInstance({ processId: 'p-1', schemeCode: stored.code, actor, parameters: [] });
      h.runtime.start();
      await h.advance(59_000);
      assert.equal((await h.service.getInstance('p-1')).activityName, 'BeforeTimer');
      await h.advance(1000);
      assert.equal((await h.service.getInstance('p-1')).activityName, 'AfterTimer');
      assert.equal((await h.service.getInstance('p-1')).status, InstanceStatus.Finalized);
    });
  });
}
