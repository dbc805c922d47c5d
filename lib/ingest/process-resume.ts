import { deserialize } from "node:v8";
import type { TrackerState } from "../derive/derived-tables";
import type { LogPoint } from "../derive/log-order";
import type { LoginEvidence } from "../derive/sessions";

/** The process tracker's state (serialized) where a dataset's log ends, for an ingest of what comes after. */
export interface ProcessResumePoint extends LogPoint {
  state: Uint8Array;
}

/** How an ingest's parse of the processes ended. */
export interface ProcessEnd {
  /** The tracker's state (serialized) after the ingest's last event. */
  state: Uint8Array;
  /** The login records in it that wait for their LOGIN (read without unpacking the whole state). */
  pendingLogins: [string, LoginEvidence][];
  /** The ingest's latest event; null when it had none. */
  end: LogPoint | null;
  /** It went on from the state stored where the dataset's log ended (its first event came after it). */
  resumed: boolean;
  /** Some later event came before where that state was taken: the processes are rebuilt instead. */
  behind: boolean;
  /** The tracker saw an event after a later one of its node (out of order beyond the window). */
  disordered: boolean;
}

/** A kept state, or null if it cannot be read (kept by another version): the processes are rebuilt then. */
export function readTrackerState(packed: Uint8Array): TrackerState | null {
  try {
    const state = deserialize(packed) as Partial<TrackerState> | null;
    if (
      !Array.isArray(state?.processes) ||
      !state.processes.every((s) => s.entries instanceof Float64Array) ||
      !Array.isArray(state.pendingLogins)
    ) {
      return null;
    }
    // Login records kept by a version that did not note their time are let go; one that did not
    // note their serial binds to a LOGIN in the same millisecond, as it did.
    const pendingLogins = state.pendingLogins
      .filter(([, login]) => typeof login.timeMs === "number")
      .map(([key, login]): [string, LoginEvidence] => [key, { ...login, serial: login.serial ?? -1 }]);
    return { processes: state.processes, pendingLogins };
  } catch {
    return null;
  }
}
