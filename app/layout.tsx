import type { Metadata } from "next";
import type { ReactNode } from "react";
import { AppHeader } from "@/components/app-header";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "auditscope", template: "%s · auditscope" },
  description: "Investigate Linux audit logs: timelines, sessions, TTY replay and aureport's reports.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <AppHeader />
        <main id="main" className="page">
          {children}
        </main>
      </body>
    </html>
  );
}
