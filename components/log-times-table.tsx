import { escapeInvisible } from "@/lib/format/escape";
import { reportLogTimes } from "@/lib/reports";
import { getStore } from "@/lib/store/db";
import { TimeText } from "./time-zone";

/** aureport --log: each source file's first and last event. */
export function LogTimesTable({ datasetId }: { datasetId: number }) {
  const files = reportLogTimes(getStore().db, datasetId);
  return (
    <table className="data-table">
      <caption className="visually-hidden">Log Time Range Report</caption>
      <thead>
        <tr>
          <th scope="col">File</th>
          <th scope="col">First event</th>
          <th scope="col">Last event</th>
        </tr>
      </thead>
      <tbody>
        {files.map((file) => (
          <tr key={`${file.path}|${file.firstMs}|${file.lastMs}`}>
            <td className="mono">{escapeInvisible(file.path)}</td>
            <td>{file.firstMs === null ? "no records" : <TimeText ms={file.firstMs} withMs />}</td>
            <td>{file.lastMs === null ? "" : <TimeText ms={file.lastMs} withMs />}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
