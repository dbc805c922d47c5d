import type { EventFacts } from "../audit/event-facts";

/** Command lines, paths, proctitle and keys: what the full-text search looks through. */
export function searchTextOf(facts: EventFacts): string {
  const parts: string[] = [];
  if (facts.argv) parts.push(facts.argv.join(" "));
  else if (facts.proctitle) parts.push(facts.proctitle.join(" "));
  if (facts.cmd) parts.push(facts.cmd);
  for (const path of facts.paths) parts.push(path.name);
  parts.push(...facts.keys);
  return parts.join("\n");
}
