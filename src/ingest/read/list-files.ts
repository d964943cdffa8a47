/**
 * The files a directory input stands for: every file below it, at any depth, whose name ends in
 * .json .jsonl .ndjson .log or .txt, each optionally followed by .gz (bucket outputs compress each
 * file). Anything else (a README.md, a .tar) is passed over, and so are hidden files and folders
 * (.git, editor swap files). A symbolic link is followed to a file but never into a folder, so a
 * link loop cannot make the walk endless. Paths come back sorted by plain code-unit comparison of
 * the whole path, so every run (and every machine, whatever its locale) reads in the same order.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { type ReadProblem, problem } from './types';

const INPUT_NAME = /\.(json|jsonl|ndjson|log|txt)(\.gz)?$/i;

export function isInputFileName(name: string): boolean {
  return !name.startsWith('.') && INPUT_NAME.test(name);
}

export interface Listing {
  files: string[];
  /** Folders below the input that could not be read. */
  problems: ReadProblem[];
}

export async function listInputFiles(dir: string): Promise<Listing> {
  const listing: Listing = { files: [], problems: [] };
  await walk(dir, listing);
  listing.files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return listing;
}

async function walk(dir: string, listing: Listing): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    listing.problems.push(problem(dir, 0, (error as Error).message));
    return;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await walk(full, listing);
    else if (isInputFileName(entry.name) && (entry.isFile() || (entry.isSymbolicLink() && (await isFile(full))))) {
      listing.files.push(full);
    }
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false; // a dangling link: nothing to read
  }
}
