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
 * in a file the parse did not see (added before), or in one it read first (given out of order). Returns their
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
    { dataset: number; node: string; pid: number; at: number; serial: number; until: number },
    StoredLogin
  >(`SELECT ses, time_ms FROM events INDEXED BY events_dataset_id_pid_idx
    WHERE dataset_id = @dataset AND node = @node AND pid = @pid
      AND (time_ms > @at OR (time_ms = @at AND serial > @serial)) AND time_ms <= @until AND ses IS NOT NULL
      AND ' ' || types || ' ' LIKE '% LOGIN %'
    ORDER BY time_ms, serial LIMIT 1`);
  const sessions = new SessionTracker();
  const pending: [string, LoginEvidence][] = [];
  for (const entry of waiting) {
    const [key, evidence] = entry;
    // The key is node NUL pid; a node name cannot end a pid.
    const cut = key.lastIndexOf("\0");
    const node = key.slice(0, cut);
    const login = findLogin.get({
      dataset: datasetId,
      node,
      pid: Number(key.slice(cut + 1)),
      at: evidence.timeMs,
      serial: evidence.serial,
      until: evidence.timeMs + LOGIN_WITHIN_MS,
    });
    if (login) sessions.bindLogin(node, login.ses, login.time_ms, evidence);
    else pending.push(entry);
  }
  return { parts: sessions.rows(), pending: latestPendingLogins(pending) };
}
