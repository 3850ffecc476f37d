/**
 * Localized names of a scheme's states, commands and parameters, and the states a process can
 * be set to.
 */
import type { CompiledScheme, LocalizationType } from '../scheme/model.js';

/**
 * The localized name of `objectName`: the entry for `culture` (exact, then the same language),
 * else the default entry, else `objectName` itself.
 */
export function localize(scheme: CompiledScheme, type: LocalizationType, objectName: string, culture?: string): string {
  const entries = scheme.definition.localization.filter((entry) => entry.type === type && entry.objectName === objectName);
  if (culture) {
    const wanted = culture.toLowerCase();
    const exact = entries.find((entry) => entry.culture.toLowerCase() === wanted);
    if (exact) return exact.value;
    const language = wanted.split('-')[0];
    const sameLanguage = entries.find((entry) => entry.culture.toLowerCase().split('-')[0] === language);
    if (sameLanguage) return sameLanguage.value;
  }
  return entries.find((entry) => entry.isDefault)?.value ?? objectName;
}

/** A state a process can be set to (`getavailablestatetoset`). */
export interface StateToSet {
  /** The state name (the activity name for an activity without a state). */
  name: string;
  visibleName: string;
  schemeCode: string;
  /** The activity `setState` moves to for this state. */
  activityName: string;
}

/**
 * The states of the scheme's IsForSetState activities, in scheme order, one per state name
 * (the first activity of a state represents it). An activity without a state is offered by
 * its own name.
 */
export function getAvailableStatesToSet(scheme: CompiledScheme, culture?: string): StateToSet[] {
  const states: StateToSet[] = [];
  const seen = new Set<string>();
  for (const activity of scheme.definition.activities) {
    if (!activity.isForSetState) continue;
    const name = activity.state ?? activity.name;
    if (seen.has(name)) continue;
    seen.add(name);
    states.push({ name, visibleName: localize(scheme, 'State', name, culture), schemeCode: scheme.code, activityName: activity.name });
  }
  return states;
}
