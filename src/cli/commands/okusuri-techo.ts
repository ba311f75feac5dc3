import { readFile } from 'node:fs/promises';
import { okusuriTechoBundles, readOkusuriTecho, type ScannedCode } from '../../records/index.js';
import { write, type CommandIo } from '../command.js';

/**
 * `--okusuri-techo FILE…` of `ems-gateway summary`: every argument after the option up to the next
 * option is a お薬手帳 QR payload file (one decoded code per file); the other arguments are left for
 * the command. The option may be repeated.
 */
export const splitOkusuriTechoArgs = (args: readonly string[]): { rest: string[]; files: string[] } => {
  const rest: string[] = [];
  const files: string[] = [];
  let collecting = false;
  for (const arg of args) {
    if (arg === '--okusuri-techo') collecting = true;
    else if (arg.startsWith('-')) {
      collecting = false;
      rest.push(arg);
    } else (collecting ? files : rest).push(arg);
  }
  return { rest, files };
};

/**
 * Reads お薬手帳 payload files (UTF-8 or Shift_JIS, in any order) into FHIR document Bundles (as
 * UTF-8 JSON bytes) for the records parser; on a refusal, says why on stderr and returns undefined:
 * a set is used whole or not at all.
 */
export const readOkusuriTechoFiles = async (
  files: readonly string[],
  io: CommandIo,
): Promise<Uint8Array[] | undefined> => {
  if (files.length === 0) return [];
  const codes: ScannedCode[] = [];
  for (const file of files) {
    try {
      codes.push({ bytes: new Uint8Array(await readFile(file)) });
    } catch (cause) {
      write(io.stderr, `${file}: cannot read the file (${(cause as NodeJS.ErrnoException).code ?? 'EIO'})`);
      return undefined;
    }
  }
  const read = readOkusuriTecho(codes);
  if (!read.ok) {
    write(io.stderr, `お薬手帳 QR codes not used (${read.error.code}): ${read.error.message}`);
    return undefined;
  }
  const skipped = read.value.reduce((n, d) => n + d.skipped.length, 0);
  if (skipped > 0)
    write(io.stderr, `お薬手帳: ${skipped} record(s) could not be read (see the PARTIAL markers)`);
  return okusuriTechoBundles(read.value).map((bundle) => new TextEncoder().encode(JSON.stringify(bundle)));
};
