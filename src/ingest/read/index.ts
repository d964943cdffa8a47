/**
 * The input layer: bytes in (files, folders, stdin, HTTP bodies; JSON Lines, arrays or pretty JSON;
 * gzip or not) -> raw records with the source and line they start at. Nothing is parsed here.
 */
export { openInputs, STDIN_SOURCE, type OpenOptions } from './open-inputs';
export { readBuffer, readStream } from './read-stream';
export { DEFAULT_MAX_RECORD_BYTES, type InputItem, type RawRecord, type ReadOptions, type ReadProblem } from './types';
