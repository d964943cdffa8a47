/**
 * `atomgraph generate`: synthetic LimaCharlie telemetry as JSON Lines (stdout, a file, or a .gz
 * file), with attack stories planted and their ground truth written beside it (--truth). The same
 * options give the same bytes. A one-line summary goes to stderr, so stdout can be piped.
 */
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createGzip } from 'node:zlib';
import { Command } from 'commander';
import { AppError, ErrorCode } from '../errors/codes';
import { DEFAULTS, generate, parseGenerateOptions, type RawGenerateOptions } from '../generate';
import { DetectionTap, withDetections } from '../generate/stories/detections';

export interface GenerateCliOptions extends RawGenerateOptions {
  out?: string;
  truth?: string;
  quiet?: boolean;
}

export function generateCli(): Command {
  return new Command('generate')
    .description('generate synthetic LimaCharlie telemetry (JSON Lines) for a fleet, with planted attack stories')
    .requiredOption('--hosts <n>', 'sensors in the fleet')
    .requiredOption('--events <n>', 'approximate number of events (attack stories are never cut short)')
    .option('--seed <seed>', 'the same seed and options give the same bytes', DEFAULTS.seed)
    .option('--orgs <n>', 'organisations the hosts are split between', String(DEFAULTS.orgs))
    .option('--out <file>', 'write to this file instead of stdout (gzip when it ends with .gz)')
    .option('--truth <file>', 'write the ground truth of the planted stories (JSON) to this file')
    .option('--stories <n>', 'attack stories to plant (default: one per org)')
    .option('--start <time>', 'capture start, ISO-8601 or epoch ms (default: derived from the seed)')
    .option('--shuffle <fraction>', 'lines delivered late, within --shuffle-window lines', String(DEFAULTS.shuffle))
    .option('--shuffle-window <lines>', 'how far a late line may move', String(DEFAULTS.shuffleWindow))
    .option('--duplicates <fraction>', 'lines delivered twice', String(DEFAULTS.duplicates))
    .option('--orphans <fraction>', 'processes running at capture start whose NEW_PROCESS is never sent', String(DEFAULTS.orphans))
    .option('--bad-fraction <fraction>', 'malformed lines (truncated, wrongly typed, missing routing...)', String(DEFAULTS.badFraction))
    .option('--clock-skew <seconds>', "largest error of a host's clock, either way (each host's is fixed; every time it reports is off by it)", String(DEFAULTS.clockSkew))
    .option('--detections <on|off>', 'also write the detections a rule set would raise (detection stream records, each after its event)', DEFAULTS.detections ? 'on' : 'off')
    .option('--quiet', 'no summary on stderr')
    .action(generateCommand);
}

export async function generateCommand(options: GenerateCliOptions): Promise<void> {
  const parsed = parseGenerateOptions(options);
  if (!parsed.ok) throw new AppError(ErrorCode.BAD_USER_INPUT, parsed.errors.join('; '));
  const run = generate(parsed.value, { threads: true });
  const tap = parsed.value.detections ? new DetectionTap() : null;
  const feed = tap ? run.stream.pipe(tap) : run.stream;
  if (tap) run.stream.on('error', (error) => tap.destroy(error));
  const started = performance.now();
  const sink: Writable = options.out ? createWriteStream(options.out, { highWaterMark: 1 << 20 }) : process.stdout;
  try {
    if (options.out?.endsWith('.gz')) {
      // Level 1: JSON Lines this repetitive still shrinks about tenfold, at several times level 6's speed.
      await pipeline(feed, createGzip({ level: constants.Z_BEST_SPEED }), sink);
    } else {
      await pipeline(feed, sink);
    }
  } catch (error) {
    // `atomgraph generate ... | head`: the reader left; that is not a failure.
    if (!options.out && (error as { code?: string }).code === 'EPIPE') return;
    throw error;
  }
  const truth = tap ? withDetections(run.truth(), tap.detections()) : run.truth();
  const detections = tap ? tap.detections().length : null;
  if (options.truth) await writeFile(options.truth, `${JSON.stringify(truth, null, 2)}\n`);
  if (!options.quiet) {
    const seconds = (performance.now() - started) / 1000;
    const s = truth.summary;
    process.stderr.write(
      `generated ${s.events} events for ${parsed.value.hosts} hosts in ${parsed.value.orgs} orgs with ${truth.stories.length} attack stories in ${seconds.toFixed(1)} s ` +
        `(${Math.round(s.events / seconds)} events/s): ${s.lines} lines, of which ${s.duplicateLines} duplicates and ${s.badLines} malformed; ` +
        `${s.withheldEvents} events of ${s.withheldProcesses} processes started before the capture not sent` +
        `${detections === null ? '' : `; ${detections} detections`}` +
        `${options.truth ? `; truth in ${options.truth}` : ''}\n`,
    );
  }
}
