/**
 * The ASCII bytes the splitters look at. Every byte of a multi-byte UTF-8 character is >= 0x80, so
 * scanning raw bytes for these can never match inside a character, and a chunk boundary that cuts
 * a character in two does no harm: text is only decoded once a whole record has been cut out.
 */
export const NL = 0x0a;
export const CR = 0x0d;
export const TAB = 0x09;
export const SPACE = 0x20;
export const QUOTE = 0x22;
export const COMMA = 0x2c;
export const BACKSLASH = 0x5c;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;

/** JSON's insignificant whitespace. */
export function isWhitespace(c: number | undefined): boolean {
  return c === SPACE || c === NL || c === CR || c === TAB;
}

/** Where a bare top-level token (number, true, garbage) stops. */
export function endsBareToken(c: number | undefined): boolean {
  return (
    isWhitespace(c) ||
    c === COMMA ||
    c === QUOTE ||
    c === OPEN_BRACE ||
    c === CLOSE_BRACE ||
    c === OPEN_BRACKET ||
    c === CLOSE_BRACKET
  );
}

/** A UTF-8 byte order mark: Windows tools write one at the start of files, JSON parsers refuse it. */
export function startsWithBom(buf: Buffer, at = 0): boolean {
  return buf[at] === 0xef && buf[at + 1] === 0xbb && buf[at + 2] === 0xbf;
}
