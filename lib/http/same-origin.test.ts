import { describe, expect, it } from "vitest";
import { isCrossSiteSubresource } from "./same-origin";

const headers = (site: string | null, dest: string | null) =>
  new Headers([
    ...(site ? [["sec-fetch-site", site] as [string, string]] : []),
    ...(dest ? [["sec-fetch-dest", dest] as [string, string]] : []),
  ]);

describe("isCrossSiteSubresource", () => {
  it("refuses what another site's page embeds or fetches", () => {
    for (const dest of ["image", "script", "empty", "iframe", "style"])
      expect(isCrossSiteSubresource(headers("cross-site", dest))).toBe(true);
  });

  it("lets through a link followed from another site, our own pages' requests, and clients without the headers", () => {
    expect(isCrossSiteSubresource(headers("cross-site", "document"))).toBe(false);
    expect(isCrossSiteSubresource(headers("same-origin", "empty"))).toBe(false);
    expect(isCrossSiteSubresource(headers("none", "document"))).toBe(false);
    expect(isCrossSiteSubresource(headers(null, null))).toBe(false);
  });
});
