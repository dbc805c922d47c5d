"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Bucket } from "@/lib/queries/get-dataset-overview";

const pad = (n: number) => String(n).padStart(2, "0");

/** UTC tick labels at the bucket's resolution: days for day buckets, minutes otherwise. */
function tickLabel(ms: number, bucketMs: number): string {
  const d = new Date(ms);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  if (bucketMs >= 24 * 3600_000) return date;
  const clock = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${bucketMs < 60_000 ? `:${pad(d.getUTCSeconds())}` : ""}`;
  return `${date.slice(5)} ${clock}`;
}

/** Events over time, stacked by result, on a UTC axis. */
export function EventsChart({ buckets, bucketMs }: { buckets: Bucket[]; bucketMs: number }) {
  return (
    <figure className="chart" aria-label="Events over time (UTC)">
      <ResponsiveContainer width="100%" height={260}>
        <BarChart data={buckets} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="startMs"
            tickFormatter={(ms: number) => tickLabel(ms, bucketMs)}
            minTickGap={40}
            fontSize={12}
          />
          <YAxis allowDecimals={false} fontSize={12} width={56} />
          <Tooltip labelFormatter={(ms) => `${tickLabel(Number(ms), Math.min(bucketMs, 60_000))} UTC`} />
          <Legend />
          <Bar dataKey="success" name="succeeded" stackId="r" fill="#2f855a" isAnimationActive={false} />
          <Bar dataKey="failed" name="failed" stackId="r" fill="#c53030" isAnimationActive={false} />
          <Bar dataKey="other" name="no result" stackId="r" fill="#a0aec0" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="muted small">Events per {formatWidth(bucketMs)}, UTC</figcaption>
    </figure>
  );
}

function formatWidth(ms: number): string {
  const units: [number, string][] = [
    [30 * 86_400_000, "30 days"],
    [7 * 86_400_000, "week"],
    [86_400_000, "day"],
    [3_600_000, "hour"],
    [60_000, "minute"],
    [1000, "second"],
  ];
  for (const [size, name] of units) {
    if (ms >= size) return ms === size ? name : `${ms / size} ${name}s`;
  }
  return `${ms} ms`;
}
