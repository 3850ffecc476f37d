/**
 * Actors and restrictions: whether an identity may trigger a transition, and which identities
 * may (for the inbox).
 *
 * Built-in rules: `isUser` (Value is a user id, or `@Param` for the value of a parameter — a
 * list gives several users; ids compare as strings) and `InRole` (the identity directory).
 * Any other rule comes from ExternalCalls (`checkRule` / `getIdentities`).
 */
import { WaymarkError } from '../errors/index.js';
import type { ActorDefinition, CompiledScheme, CompiledTransition, Concatenation } from '../scheme/model.js';
import type { EngineContext, ExternalCallContext, JsonValue } from './types.js';

/** What an actor check needs besides the identity. */
export interface ActorCheckContext {
  readonly ctx: EngineContext;
  readonly scheme: CompiledScheme;
  readonly call: ExternalCallContext;
}

function actorOf(scheme: CompiledScheme, name: string): ActorDefinition {
  const actor = scheme.actors.get(name);
  if (!actor) throw new WaymarkError('WM_SCHEME_INVALID', `Actor ${name} is used by a restriction but not declared`, { actorName: name });
  return actor;
}

/** The user ids an `isUser` value names: a literal, or the value(s) of the `@Param` it refers to. */
function usersNamedBy(value: string | null, parameters: Readonly<Record<string, JsonValue>>): string[] {
  if (value === null) return [];
  if (!value.startsWith('@')) return [value];
  const referenced = parameters[value.slice(1)];
  const values = Array.isArray(referenced) ? referenced : [referenced];
  return values.filter((item) => item !== null && item !== undefined && item !== '').map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
}

/** Whether `identityId` satisfies the actor's rule. */
export async function identityMatchesActor(actor: ActorDefinition, identityId: string, check: ActorCheckContext): Promise<boolean> {
  switch (actor.rule) {
    case 'isUser':
      return usersNamedBy(actor.value, check.call.parameters).includes(identityId);
    case 'InRole':
      return actor.value !== null && (await check.ctx.directory.isInRole(identityId, actor.value));
    default:
      return check.ctx.external.checkRule(actor.rule, actor.value, identityId, check.call);
  }
}

/** Every identity that satisfies the actor's rule. */
export async function identitiesOfActor(actor: ActorDefinition, check: ActorCheckContext): Promise<string[]> {
  switch (actor.rule) {
    case 'isUser':
      return usersNamedBy(actor.value, check.call.parameters);
    case 'InRole':
      return actor.value === null ? [] : [...(await check.ctx.directory.usersInRole(actor.value))];
    default:
      return [...(await check.ctx.external.getIdentities(actor.rule, actor.value, check.call))];
  }
}

async function combine(
  actorNames: readonly string[],
  concatenation: Concatenation,
  test: (actorName: string) => Promise<boolean>,
): Promise<boolean> {
  for (const name of actorNames) {
    const result = await test(name);
    if (concatenation === 'Or' && result) return true;
    if (concatenation === 'And' && !result) return false;
  }
  return concatenation === 'And';
}

/**
 * Whether `identityId` may trigger `transition`: it must satisfy the Allow actors (all of them
 * for `And`, one for `Or`) and must not be caught by the Restrict actors (caught when it matches
 * all of them for `And`, any for `Or`). A transition without restrictions is open to anyone.
 */
export async function identityMayTrigger(
  transition: CompiledTransition,
  identityId: string | null,
  check: ActorCheckContext,
): Promise<boolean> {
  if (transition.restrictions.length === 0) return true;
  if (identityId === null) return false;
  const allow = transition.restrictions.filter((r) => r.type === 'Allow').map((r) => r.actor);
  const restrict = transition.restrictions.filter((r) => r.type === 'Restrict').map((r) => r.actor);
  const matches = (name: string): Promise<boolean> => identityMatchesActor(actorOf(check.scheme, name), identityId, check);
  if (allow.length > 0 && !(await combine(allow, transition.allowConcatenation, matches))) return false;
  if (restrict.length > 0 && (await combine(restrict, transition.restrictConcatenation, matches))) return false;
  return true;
}

/** Whether the actor may trigger `transition` as itself or as the identity it impersonates. */
export async function actorMayTrigger(
  transition: CompiledTransition,
  actor: { identityId: string | null; impersonatedIdentityId: string | null },
  check: ActorCheckContext,
): Promise<boolean> {
  if (await identityMayTrigger(transition, actor.identityId, check)) return true;
  return actor.impersonatedIdentityId !== null && (await identityMayTrigger(transition, actor.impersonatedIdentityId, check));
}

/**
 * The identities that may trigger `transition`, for the inbox: Allow actors' identities
 * (intersected for `And`, united for `Or`) minus those the Restrict actors catch.
 * A transition without Allow actors names nobody (it is open to anyone, and the inbox cannot
 * list everyone).
 */
export async function identitiesAllowedFor(transition: CompiledTransition, check: ActorCheckContext): Promise<string[]> {
  const allow = transition.restrictions.filter((r) => r.type === 'Allow').map((r) => r.actor);
  if (allow.length === 0) return [];
  const restrict = transition.restrictions.filter((r) => r.type === 'Restrict').map((r) => r.actor);
  const sets: string[][] = [];
  for (const name of allow) sets.push(await identitiesOfActor(actorOf(check.scheme, name), check));
  let allowed = unique(sets.flat());
  if (transition.allowConcatenation === 'And') allowed = allowed.filter((id) => sets.every((set) => set.includes(id)));
  if (restrict.length === 0) return allowed;
  const kept: string[] = [];
  for (const id of allowed) {
    const caught = await combine(restrict, transition.restrictConcatenation, (name) =>
      identityMatchesActor(actorOf(check.scheme, name), id, check),
    );
    if (!caught) kept.push(id);
  }
  return kept;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
