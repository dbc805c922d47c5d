import Link from "next/link";
import { TimeZoneToggle } from "./time-zone";

// Sections that later work fills in are shown, but not as links, so nothing leads to a dead end.
const upcoming = ["Timeline", "Sessions"];

export function AppHeader() {
  return (
    <header className="app-header">
      <Link href="/" className="brand">
        <span className="brand-mark" aria-hidden="true">
          ◆
        </span>
        auditscope
      </Link>
      <nav aria-label="Main">
        <ul>
          <li>
            <Link href="/">Datasets</Link>
          </li>
          {upcoming.map((name) => (
            <li key={name}>
              <span className="nav-upcoming" aria-disabled="true" title="Coming soon">
                {name}
              </span>
            </li>
          ))}
        </ul>
      </nav>
      <div className="header-tools">
        <TimeZoneToggle />
      </div>
    </header>
  );
}
