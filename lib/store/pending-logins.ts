import type Database from "better-sqlite3";
import { type LoginEvidence, latestPendingLogins, SessionTracker } from "../derive/sessions";
import type { SessionRow } from "../derive/types";

/** A LOGIN follows its PAM records within seconds; one later than this is another login's (a reused pid). */
const LOGIN_WITHIN_MS = 10 * 60 * 1000;

interface StoredLogin {
  ses: number;
  time_ms: number;
}

/**
 * Binds login records that waited for their LOGIN at the end of one parse (a file's or the kept
 * state's) to the first LOGIN of their process the dataset holds soon after them: the LOGIN was
 * in a file the parse did not see (added before, or given beside it out of order). Returns their
 * details as parts of those sessions, and the records still waiting.
 * Inside the caller's transaction, after the ingest's events are written.
 */
export function bindPendingLogins(
  db: Database.Database,
  datasetId: number,
  waiting: [string, LoginEvidence][],
): { parts: SessionRow[]; pending: [string, LoginEvidence][] } {
  // By the pid: the (dataset, node, time) index would walk a record never logged in to the log's end.
  const findLogin = db.prepare<
    [number, string, number, number, number],
    StoredLogin
  >(`SELECT ses, time_ms FROM events INDEXED BY events_dataset_id_pid_idx
    WHERE dataset_id = ? AND node = ? AND pid = ? AND time_ms >= ? AND time_ms <= ? AND ses IS NOT NULL
      AND ' ' || types || ' ' LIKE '% LOGIN %'
    ORDER BY time_ms, serial LIMIT 1`);
  const sessions = new SessionTracker();
  const pending: [string, LoginEvidence][] = [];
  for (const entry of waiting) {
    const [key, evidence] = entry;
    // The key is node NUL pid; a node name cannot end a pid.
    const cut = key.lastIndexOf("\0");
    const node = key.slice(0, cut);
    const at = evidence.timeMs;
    const login = findLogin.get(datasetId, node, Number(key.slice(cut + 1)), at, at + LOGIN_WITHIN_MS);
    if (login) sessions.bindLogin(node, login.ses, login.time_ms, evidence);
    else pending.push(entry);
  }
  return { parts: sessions.rows(), pending: latestPendingLogins(pending) };
}
