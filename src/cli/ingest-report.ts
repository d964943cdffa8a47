/**
 * How `load` and `import` tell the user about rejected records and warnings: with `--rejects FILE`,
 * every one as a JSONL line (`level` tells them apart: a warning's event was stored, a reject's
 * was not); without, the first 20 on stderr.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Reject, Warning } from '../ingest/pipeline';

export interface IngestReporter {
  onReject: (reject: Reject) => void;
  onWarning: (warning: Warning) => void;
  /** True when the lines go to a file (so the closing hint is not needed). */
  toFile: boolean;
  close: () => Promise<void>;
}

export function ingestReporter(rejectsFile: string | undefined): IngestReporter {
  const rejectsOut: WriteStream | null = rejectsFile ? createWriteStream(rejectsFile) : null;
  let firstLines = 0;
  const tell = (line: string) => {
    if (!rejectsOut && firstLines < 20) {
      firstLines += 1;
      process.stderr.write(line);
    }
  };
  return {
    onReject: (reject) => {
      rejectsOut?.write(`${JSON.stringify({ level: 'error', source: reject.source, line: reject.line, reason: reject.reason, text: reject.text })}\n`);
      tell(`rejected ${reject.source}:${reject.line}: ${reject.reason}\n`);
    },
    onWarning: (warning) => {
      rejectsOut?.write(
        `${JSON.stringify({ level: 'warning', source: warning.source, line: warning.line, field: warning.field, reason: warning.reason, text: warning.text })}\n`,
      );
      tell(`warning ${warning.source}:${warning.line}: ${warning.field}: ${warning.reason} (the event is stored)\n`);
    },
    toFile: rejectsOut !== null,
    close: () => new Promise<void>((resolve) => (rejectsOut ? rejectsOut.end(resolve) : resolve())),
  };
}
