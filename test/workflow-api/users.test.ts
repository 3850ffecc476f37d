/**
 * The User section as a client written for the vendor's server uses it: texts, credentials with
 * ids, pages from 1.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ids, startHarness, type Harness } from './harness.js';

const ID_TEXT = "Parameter 'id' is required and must be GUID! Use such URL format: workflowapi/{operation}/{id}.";
const ADMIN_TEXT = "The role 'admin' is assigned in the admin panel";

interface UserRow {
  Id: string;
  Name: string;
  Login: string | null;
  Phone: string | null;
  Roles: string[];
  Lock: string;
  HasPassword: boolean;
  ExternalLogins: Record<string, unknown>[];
  Credentials: { Id: string; Login: string | null; AuthType: string; ExternalProviderName: string | null }[];
}

async function userById(h: Harness, id: string): Promise<UserRow> {
  const { body } = await h.call(`/workflowapi/getuser/${id}`);
  assert.equal(body.success, true, JSON.stringify(body));
  return body.data as UserRow;
}

test('createuser takes a login and a password together, or neither', async (t) => {
  const h = await startHarness(t);
  // When a login comes without a password, or a password without a login, the user is refused.
  const noPassword = await h.call('/workflowapi/createuser', { id: ids.john, name: 'John', login: 'john' });
  assert.deepEqual(noPassword.body, {
    success: false,
    data: null,
    error: "Parameter 'password' is required if parameter 'login' is set",
    message: null,
    code: 'WM_INPUT_MISSING',
  });
  const noLogin = await h.call('/workflowapi/createuser', { id: ids.john, name: 'John', password: 'pw-1' });
  assert.equal(noLogin.body.error, "Parameter 'login' is required if parameter 'password' is set");
  assert.equal((await h.call(`/workflowapi/getuser/${ids.john}`)).body.code, 'WM_USER_NOT_FOUND');

  // With both, or neither, it is created.
  assert.equal((await h.call('/workflowapi/createuser', { id: ids.john, name: 'John', login: 'john', password: 'pw-1' })).body.message, 'User was created.');
  assert.equal((await h.call('/workflowapi/createuser', { id: ids.margo, name: 'Margo' })).body.message, 'User was created.');
  assert.deepEqual([(await userById(h, ids.john)).Login, (await userById(h, ids.john)).HasPassword], ['john', true]);
  assert.deepEqual([(await userById(h, ids.margo)).Login, (await userById(h, ids.margo)).HasPassword], [null, false]);
  assert.equal((await h.call('/workflowapi/createuser', { id: 'nope', name: 'X' })).body.error, ID_TEXT);
});

test('getuser answers one user by id; getusers pages count from 1', async (t) => {
  const h = await startHarness(t);
  // Given three users, listed by name.
  for (const [id, name] of [[ids.john, 'Anna'], [ids.margo, 'Boris'], [ids.boss, 'Chloe']] as const) {
    await h.call('/workflowapi/createuser', { id, name, email: `${name.toLowerCase()}@example.test` });
  }
  // getuser: the same shape as a getusers row.
  const boris = await userById(h, ids.margo);
  assert.equal(boris.Name, 'Boris');
  const listed = (await h.call('/workflowapi/getusers')).body.data as UserRow[];
  assert.deepEqual(listed.find((user) => user.Id === ids.margo), boris);
  assert.equal((await h.call(`/workflowapi/getuser/${ids.accountant}`)).body.code, 'WM_USER_NOT_FOUND');
  assert.equal((await h.call('/workflowapi/getuser')).body.error, ID_TEXT);

  // The first page is pageIndex 1, as in the vendor's admin.
  const page = async (pageIndex: number) =>
    ((await h.call('/workflowapi/getusers', { pageSize: 2, pageIndex })).body.data as UserRow[]).map((user) => user.Name);
  assert.deepEqual(await page(1), ['Anna', 'Boris']);
  assert.deepEqual(await page(2), ['Chloe']);
  assert.deepEqual(await page(3), []);
  // pageIndex 0 (Waymark 0.1's first page) still reads the first page.
  assert.deepEqual(await page(0), ['Anna', 'Boris']);
});

test('updateuser changes the login and the password together; absent fields keep their values', async (t) => {
  const h = await startHarness(t);
  await h.call('/workflowapi/createuser', { id: ids.john, name: 'John', login: 'john', password: 'pw-1' });
  const before = await userById(h, ids.john);
  const passwordId = before.Credentials[0]?.Id;

  // A password alone, or another login alone, is refused; nothing changes.
  const passwordAlone = await h.call(`/workflowapi/updateuser/${ids.john}`, { password: 'pw-2' });
  assert.deepEqual([passwordAlone.body.error, passwordAlone.body.code], ['The password cannot be updated without updating the user login.', 'WM_INPUT_MISSING']);
  const loginAlone = await h.call(`/workflowapi/updateuser/${ids.john}`, { login: 'johnny' });
  assert.equal(loginAlone.body.error, 'The user login cannot be updated without updating the password.');
  assert.deepEqual(await userById(h, ids.john), before);

  // Sending back the login it read, with other fields, is not a change of login.
  assert.equal((await h.call(`/workflowapi/updateuser/${ids.john}`, { login: 'john', phone: '555', lock: before.Lock })).body.success, true);
  const stale = await h.call(`/workflowapi/updateuser/${ids.john}`, { phone: '556', lock: before.Lock });
  assert.equal(stale.body.code, 'WM_LOCK_CONFLICT');

  // Both together: the login changes and the password credential keeps its id.
  assert.equal((await h.call(`/workflowapi/updateuser/${ids.john}`, { login: 'johnny', password: 'pw-2' })).body.success, true);
  const after = await userById(h, ids.john);
  assert.deepEqual([after.Login, after.Phone, after.Credentials], ['johnny', '555', [{ Id: passwordId, Login: 'johnny', AuthType: 'Password', ExternalProviderName: null }]]);
  assert.doesNotMatch(JSON.stringify(after), /scrypt|pw-2/);
});

test('Lock is a GUID that changes with every update; updateuser with a stale Lock is refused', async (t) => {
  const h = await startHarness(t);
  await h.call('/workflowapi/createuser', { id: ids.john, name: 'John' });
  const read = await userById(h, ids.john);
  // Then a typed .NET client can bind Lock as a Guid.
  assert.match(read.Lock, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal((await userById(h, ids.john)).Lock, read.Lock, 'the same on every read');

  // When it is sent back (in any letter case) the update passes, and the Lock changes.
  assert.equal((await h.call(`/workflowapi/updateuser/${ids.john}`, { phone: '555', lock: read.Lock.toUpperCase() })).body.success, true);
  const updated = await userById(h, ids.john);
  assert.notEqual(updated.Lock, read.Lock);
  // A client still holding the old Lock is refused, and nothing changes.
  const stale = await h.call(`/workflowapi/updateuser/${ids.john}`, { phone: '556', lock: read.Lock });
  assert.deepEqual([stale.body.success, stale.body.code], [false, 'WM_LOCK_CONFLICT']);
  assert.equal((await userById(h, ids.john)).Phone, '555');
  assert.equal((await h.call(`/workflowapi/updateuser/${ids.accountant}`, { lock: read.Lock })).body.code, 'WM_USER_NOT_FOUND');

  // A Waymark 0.1 client sends the number it read: the stamp is 2 after one update.
  assert.equal((await h.call(`/workflowapi/updateuser/${ids.john}`, { phone: '557', lock: 1 })).body.code, 'WM_LOCK_CONFLICT');
  assert.equal((await h.call(`/workflowapi/updateuser/${ids.john}`, { phone: '557', lock: 2 })).body.success, true);
});

test('each credential carries an id in getusers, and deletecredential removes the one with that id', async (t) => {
  const h = await startHarness(t);
  // Given a user with a password and two external accounts.
  await h.call('/workflowapi/createuser', {
    id: ids.john,
    name: 'John',
    login: 'john',
    password: 'pw-1',
    roles: 'Staff,Author',
    externalLogins: [{ provider: 'Google', login: 'john@gmail.test' }, { provider: 'Okta', login: 'jdoe' }],
  });
  const [john] = (await h.call('/workflowapi/getusers', { role: 'Staff' })).body.data as UserRow[];
  assert.ok(john);
  assert.doesNotMatch(JSON.stringify(john), /scrypt|passwordHash|pw-1/);
  assert.deepEqual(
    john.Credentials.map((credential) => [credential.AuthType, credential.Login, credential.ExternalProviderName]),
    [['Password', 'john', null], ['External', 'john@gmail.test', 'Google'], ['External', 'jdoe', 'Okta']],
  );
  const [password, google, okta] = john.Credentials.map((credential) => credential.Id);
  for (const id of [password, google, okta]) assert.match(id ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.deepEqual(john.ExternalLogins.map((login) => login.id), [google, okta]);

  // When the Google account's credential is deleted by its id, only it goes.
  assert.equal((await h.call(`/workflowapi/deletecredential/${google}`)).body.success, true);
  assert.deepEqual((await userById(h, ids.john)).Credentials.map((credential) => credential.Id), [password, okta]);

  // An external account sent back with its id keeps its credential; a new one gets a new id.
  await h.call(`/workflowapi/updateuser/${ids.john}`, { externalLogins: [{ id: okta, provider: 'Okta', login: 'jdoe2' }, { provider: 'GitHub', login: 'jd' }] });
  const accounts = (await userById(h, ids.john)).Credentials.filter((credential) => credential.AuthType === 'External');
  assert.equal(accounts[0]?.Id, okta);
  assert.equal(accounts[0]?.Login, 'jdoe2');
  assert.notEqual(accounts[1]?.Id, google);

  // Deleting the password credential removes the login with it.
  assert.equal((await h.call('/workflowapi/deletecredential', { id: password })).body.success, true);
  const withoutPassword = await userById(h, ids.john);
  assert.deepEqual([withoutPassword.HasPassword, withoutPassword.Login, withoutPassword.Roles], [false, null, ['Author', 'Staff']]);

  // An unknown credential, a user's own id, or another user's credential is not found.
  await h.call('/workflowapi/createuser', { id: ids.margo, name: 'Margo', login: 'margo', password: 'pw-m' });
  const margosPassword = (await userById(h, ids.margo)).Credentials[0]?.Id;
  assert.equal((await h.call(`/workflowapi/deletecredential/${google}`)).body.code, 'WM_NOT_FOUND');
  assert.equal((await h.call(`/workflowapi/deletecredential/${ids.margo}`)).body.code, 'WM_NOT_FOUND');
  assert.equal((await h.call(`/workflowapi/deletecredential/${margosPassword}`, { userId: ids.john })).body.code, 'WM_NOT_FOUND');
  assert.equal((await userById(h, ids.margo)).HasPassword, true);
  assert.equal((await h.call('/workflowapi/deletecredential/not-a-guid')).body.error, ID_TEXT);
});

test('roles: the vendor\'s messages; the role admin is refused with the vendor\'s text', async (t) => {
  const h = await startHarness(t);
  await h.call('/workflowapi/createuser', { id: ids.john, name: 'John', roles: ['Staff'] });
  assert.deepEqual((await h.call(`/workflowapi/addusertorole/${ids.john}`, { roleName: 'Reviewer' })).body, {
    success: true,
    data: null,
    error: null,
    message: 'User was added to role.',
  });
  assert.equal((await h.call(`/workflowapi/removeuserfromrole/${ids.john}`, { roleName: 'Staff' })).body.message, 'User was removed from role.');
  assert.deepEqual((await userById(h, ids.john)).Roles, ['Reviewer']);

  for (const [operation, roleName] of [['addusertorole', 'admin'], ['removeuserfromrole', 'Admin']] as const) {
    const refused = await h.call(`/workflowapi/${operation}/${ids.john}`, { roleName });
    assert.deepEqual([refused.body.success, refused.body.error, refused.body.code], [false, ADMIN_TEXT, 'WM_ROLE_REFUSED'], operation);
    assert.match(refused.body.message ?? '', /admin/);
  }
  assert.equal((await h.call('/workflowapi/createuser', { id: ids.margo, name: 'Margo', roles: ['admin'] })).body.error, ADMIN_TEXT);
  assert.equal((await h.call('/workflowapi/addusertorole', { roleName: 'Staff' })).body.error, ID_TEXT);
});

test('deleteuser, and the setting that blocks the User section', async (t) => {
  const h = await startHarness(t);
  await h.call('/workflowapi/createuser', { id: ids.john, name: 'John', login: 'john', password: 'pw-1' });
  assert.equal((await h.call(`/workflowapi/deleteuser/${ids.john}`)).body.message, 'User was deleted.');
  assert.equal((await h.call(`/workflowapi/deleteuser/${ids.john}`)).body.code, 'WM_USER_NOT_FOUND');

  await h.store.setSetting('userApiBlocked', true);
  for (const operation of ['getusers', `getuser/${ids.john}`, 'createuser']) {
    assert.equal((await h.call(`/workflowapi/${operation}`)).body.error, 'User API blocked. Setting can be changed in configuration file.', operation);
  }
});
