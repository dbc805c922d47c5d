import Link from "next/link";
import { Fragment } from "react";
import { escapeInvisible } from "@/lib/format/escape";

/** The way back up: Datasets › the dataset › …, each a link; names from logs are escaped. */
export function Breadcrumbs({
  dataset,
  trail = [],
}: {
  dataset?: { id: number; name: string };
  trail?: { label: string; href: string }[];
}) {
  const links = [
    { label: "Datasets", href: "/" },
    ...(dataset ? [{ label: escapeInvisible(dataset.name), href: `/datasets/${dataset.id}` }] : []),
    ...trail,
  ];
  return (
    <nav className="breadcrumbs" aria-label="Breadcrumbs">
      {links.map((link) => (
        <Fragment key={link.href}>
          <Link href={link.href}>{link.label}</Link> ›{" "}
        </Fragment>
      ))}
    </nav>
  );
}
