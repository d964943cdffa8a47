/**
 * The inputs of `atomgraph load`: files, folders (see list-files.ts) and `-` for stdin, read one
 * after another into a single sequence of records. An input that cannot be read becomes one problem
 * at line 0 with the system's reason, and reading goes on with the next one: a bad path among many
 * should not cost the others.
 */
import { open, stat } from 'node:fs/promises';
import { type Readable } from 'node:stream';
import { listInputFiles } from './list-files';
import { readStream } from './read-stream';
import { type InputItem, type ReadOptions, problem } from './types';

export interface OpenOptions extends ReadOptions {
  /** What `-` reads; process.stdin unless given (tests inject a stream). */
  stdin?: Readable;
}

export const STDIN_SOURCE = 'stdin';

/** Large reads: fewer chunks means fewer trips through the splitter's loop. */
const CHUNK_BYTES = 256 * 1024;

export async function* openInputs(inputs: readonly string[], options: OpenOptions = {}): AsyncGenerator<InputItem, void, undefined> {
  for (const input of inputs) {
    if (input === '-') {
      yield* readStream(options.stdin ?? process.stdin, STDIN_SOURCE, options);
      continue;
    }
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(input)).isDirectory();
    } catch (error) {
      yield problem(input, 0, (error as Error).message);
      continue;
    }
    if (!isDirectory) {
      yield* readFile(input, options);
      continue;
    }
    const listing = await listInputFiles(input);
    yield* listing.problems;
    for (const file of listing.files) yield* readFile(file, options);
  }
}

async function* readFile(file: string, options: ReadOptions): AsyncGenerator<InputItem, void, undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    yield problem(file, 0, (error as Error).message);
    return;
  }
  // The stream owns the handle from here: it closes it at the end, on an error, or when destroyed.
  yield* readStream(handle.createReadStream({ highWaterMark: CHUNK_BYTES }), file, options);
}
