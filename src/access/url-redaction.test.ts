import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactUrlSecrets } from './url-redaction.js';

test('secret query parameters are redacted, others kept as written', () => {
  assert.equal(
    redactUrlSecrets('/workflowapi/createinstance/1?token=abc&schemeCode=Vacation&client_secret=x%20y&Password=p'),
    '/workflowapi/createinstance/1?token=%5BRedacted%5D&schemeCode=Vacation&client_secret=%5BRedacted%5D&Password=%5BRedacted%5D',
  );
});

test('URLs without a query, and bare flags, are unchanged', () => {
  assert.equal(redactUrlSecrets('/admin/api/ping'), '/admin/api/ping');
  assert.equal(redactUrlSecrets('/x?token&debug=1'), '/x?token&debug=1');
  assert.equal(redactUrlSecrets('/x?%E0=1&%74oken=s'), '/x?%E0=1&%74oken=%5BRedacted%5D');
});
