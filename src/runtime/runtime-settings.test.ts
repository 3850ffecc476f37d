import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../engine/types.js';
import { ManualClock } from '../services/clock.js';
import type { Store } from '../store/store.js';
import { RUNTIME_SETTING_KEYS, RuntimeSettingsSource } from './runtime-settings.js';

/** A store whose setting reads wait until the test answers them. */
function slowSettingsStore() {
  const pending: { key: string; answer: (value: JsonValue | null) => void }[] = [];
  const store = {
    getSetting: (key: string) => new Promise<JsonValue | null>((answer) => pending.push({ key, answer })),
  } as unknown as Store;
  /** Answers the reads waiting now: the webhooks setting gets `webhook`'s name, the rest null. */
  const answerAll = (webhook: string): void => {
    for (const read of pending.splice(0)) read.answer(read.key === RUNTIME_SETTING_KEYS.webhooks ? [{ name: webhook, url: 'http://127.0.0.1:1/hook' }] : null);
  };
  return { store, pending, answerAll };
}

describe('RuntimeSettingsSource', () => {
  it('callers that find the cache stale at once share one read', async () => {
    const { store, pending, answerAll } = slowSettingsStore();
    const source = new RuntimeSettingsSource(store, {}, new ManualClock(), null);
    const asked = Array.from({ length: 50 }, () => source.get());
    assert.equal(pending.length, 3, 'one read of each setting, not one per caller');
    answerAll('first');
    const answers = await Promise.all(asked);
    assert.ok(answers.every((settings) => settings.webhooks[0]?.name === 'first'));
    await source.get();
    assert.equal(pending.length, 0, 'then cached');
  });

  it('a refresh during a read starts a new one, and the older read is not cached', async () => {
    const { store, pending, answerAll } = slowSettingsStore();
    const clock = new ManualClock();
    const source = new RuntimeSettingsSource(store, {}, clock, null);
    const before = source.get();
    const olderReads = pending.splice(0);
    source.refresh();
    const after = source.get();
    assert.equal(pending.length, 3, 'read anew after the refresh');
    answerAll('new');
    assert.equal((await after).webhooks[0]?.name, 'new');
    pending.push(...olderReads);
    answerAll('old');
    assert.equal((await before).webhooks[0]?.name, 'old');
    assert.equal((await source.get()).webhooks[0]?.name, 'new', 'the read from before the refresh did not replace the cache');
    assert.equal(pending.length, 0);
    clock.advance(5000);
    void source.get();
    assert.equal(pending.length, 3, 'read again once the cache lapsed');
  });
});
