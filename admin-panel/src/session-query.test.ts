import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safeRedirect } from './session-query';

test('after sign-in, only a path inside the panel is followed; anything else goes to the Dashboard', () => {
  assert.equal(safeRedirect('/explorer/createinstance?processId=1'), '/explorer/createinstance?processId=1');
  for (const unsafe of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'explorer', undefined, 42]) {
    assert.equal(safeRedirect(unsafe), '/', String(unsafe));
  }
});
