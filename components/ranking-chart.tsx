"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { escapeInvisible } from "@/lib/format/escape";

const LABEL_CHARS = 28;

/** The first values of a ranking (most first) as horizontal bars. */
export function RankingChart({ rows, what }: { rows: { total: number; value: string }[]; what: string }) {
  const data = rows.map((row) => ({ total: row.total, value: escapeInvisible(row.value) }));
  const short = (value: string) =>
    value.length > LABEL_CHARS ? `${value.slice(0, LABEL_CHARS - 1)}…` : value;
  return (
    <figure className="chart" aria-label={`Events per ${what}, most first`}>
      <ResponsiveContainer width="100%" height={Math.max(120, data.length * 26 + 40)}>
        <BarChart data={data} layout="vertical" margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" allowDecimals={false} fontSize={12} />
          <YAxis
            type="category"
            dataKey="value"
            width={220}
            fontSize={12}
            tickFormatter={short}
            interval={0}
          />
          <Tooltip />
          <Bar dataKey="total" name="events" fill="#2b6cb0" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="muted small">
        The {rows.length} {what} value{rows.length === 1 ? "" : "s"} with the most events
      </figcaption>
    </figure>
  );
}
