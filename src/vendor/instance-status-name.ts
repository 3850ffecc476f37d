import { InstanceStatus } from '../engine/types.js';

/** The vendor's name of each instance status. */
export type InstanceStatusName = keyof typeof InstanceStatus;

const NAMES = new Map<number, InstanceStatusName>(
  (Object.entries(InstanceStatus) as [InstanceStatusName, InstanceStatus][]).map(([name, value]) => [value, name]),
);

/**
 * The vendor's name of a status (`Idled`, `Finalized`, …), as its Callback API sends it in
 * `processstatuschanged`. A number outside the table is a programming error.
 */
export function instanceStatusName(status: InstanceStatus): InstanceStatusName {
  const name = NAMES.get(status);
  if (name === undefined) throw new RangeError(`${String(status)} is not an instance status`);
  return name;
}
