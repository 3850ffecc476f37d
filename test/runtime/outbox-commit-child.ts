/**
 * Run as a child process by outbox.test.ts: opens the database, starts an instance whose action
 * queues a webhook (committed in the step's transaction), and exits at once — before any
 * dispatcher could deliver it, as a crash right after commit would.
 * argv: <dataDir> <schemeXml file>
 */
import { readFileSync } from 'node:fs';
import { createSqliteStore } from '../../src/store/index.js';
import { ManualClock, WorkflowService } from '../../src/services/index.js';
import { createRuntimeParts } from '../../src/runtime/index.js';

const [dataDir, schemeFile] = process.argv.slice(2);
const store = await createSqliteStore({ dataDir: dataDir! });
const clock = new ManualClock('2026-03-02T08:00:00.000Z');
const parts = await createRuntimeParts({ store, clock });
const service = new WorkflowService({ store, clock, external: parts.external, stepMessages: parts.stepMessages });
const scheme = await service.saveScheme({ xml: readFileSync(schemeFile!, 'utf8') });
await service.createInstance({ processId: 'crash-1', schemeCode: scheme.code, actor: { identityId: 'tester', impersonatedIdentityId: null }, parameters: [] });
process.stdout.write('committed\n');
process.exit(0);
