/**
 * A Store that tells the other nodes about the changes made through it: settings (access
 * settings and signing keys live there), users and schemes. Everything else passes through.
 */
import type { Store } from '../store/store.js';
import type { ChangeNotifier, ChangeKind } from './change-notifier.js';

type Published = Exclude<ChangeKind, 'resync'>;

/** Which store writes announce which change, and the key they name (first argument). */
const ANNOUNCED_WRITES: Partial<Record<keyof Store, { kind: Published; key: (args: unknown[]) => string | undefined }>> = {
  setSetting: { kind: 'settings', key: (args) => args[0] as string },
  setSettingIfAbsent: { kind: 'settings', key: (args) => args[0] as string },
  createUser: { kind: 'users', key: (args) => (args[0] as { id: string }).id },
  updateUser: { kind: 'users', key: (args) => (args[0] as { id: string }).id },
  deleteUser: { kind: 'users', key: (args) => args[0] as string },
  saveScheme: { kind: 'schemes', key: (args) => (args[0] as { code: string }).code },
  deleteScheme: { kind: 'schemes', key: (args) => args[0] as string },
};

/**
 * Wraps `store` so its announced writes are published after they succeed. Each method's wrapper
 * is made once, on its first access: the store's methods are read a few times per request.
 */
export function notifyingStore(store: Store, notifier: ChangeNotifier): Store {
  const wrappers = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const made = wrappers.get(property);
      if (made !== undefined) return made;
      const announced = ANNOUNCED_WRITES[property as keyof Store];
      const wrapper =
        announced === undefined
          ? (value as (...args: unknown[]) => unknown).bind(target)
          : async (...args: unknown[]) => {
              const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
              await notifier.publish(announced.kind, announced.key(args));
              return result;
            };
      wrappers.set(property, wrapper);
      return wrapper;
    },
  });
}
