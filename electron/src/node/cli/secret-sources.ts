import { readFileSync, statSync } from 'node:fs';
import { askHidden } from './prompt';

// Where the CLI may read a secret (the wallet passphrase, an enrollment
// secret) from, safest first:
//   a prompt            nothing stored, nothing visible: needs a terminal;
//   --<name>-fd N       a pipe or descriptor the caller opened: never on disk,
//                       never in the process list or the environment;
//   --<name>-file F     a file only this user can read (mode 0600 or stricter);
//   environment         readable by this user's other processes
//                       (/proc/<pid>/environ) and inherited by children: warned;
//   command line        readable by every user of the machine (ps): warned.
// Exactly one source per secret; the value is never echoed.

export class SecretSourceError extends Error {
  override readonly name = 'SecretSourceError';
}

export interface SecretSpec {
  /** What the secret is, in words ("wallet passphrase"). */
  readonly label: string;
  /** The option stem: `passphrase` → --passphrase-file, --passphrase-fd. */
  readonly option: string;
  /** A value given on the command line (--secret …). */
  readonly inline?: string;
  readonly file?: string;
  readonly fd?: string;
  /** The environment variable that may hold it, if any. */
  readonly envName?: string;
}

export interface SecretIo {
  readonly env: NodeJS.ProcessEnv;
  readonly warn: (line: string) => void;
  readonly ask: (question: string) => Promise<string>;
  readonly uid: number | undefined;
}

export const defaultSecretIo = (): SecretIo => ({
  env: process.env,
  warn: (line) => process.stderr.write(`warning: ${line}\n`),
  ask: askHidden,
  uid: process.getuid?.(),
});

/** A secret read from a file or descriptor ends at its first line break, as `echo` or an editor leaves it. */
function firstLine(text: string): string {
  return text.replace(/\r?\n[\s\S]*$/, '');
}

function fromFile(spec: SecretSpec, file: string, uid: number | undefined): string {
  let stat;
  try {
    stat = statSync(file);
  } catch {
    throw new SecretSourceError(`--${spec.option}-file ${file}: no such file`);
  }
  if (!stat.isFile()) throw new SecretSourceError(`--${spec.option}-file ${file} is not a regular file`);
  if ((stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    throw new SecretSourceError(
      `--${spec.option}-file ${file} can be read by other users (mode ${mode}): run chmod 600 ${file}`,
    );
  }
  if (uid !== undefined && stat.uid !== uid) {
    throw new SecretSourceError(`--${spec.option}-file ${file} belongs to another user (uid ${stat.uid})`);
  }
  return firstLine(readFileSync(file, 'utf8'));
}

function fromFd(spec: SecretSpec, text: string): string {
  if (!/^\d{1,4}$/.test(text)) throw new SecretSourceError(`--${spec.option}-fd takes a descriptor number`);
  try {
    return firstLine(readFileSync(Number(text), 'utf8'));
  } catch (error) {
    throw new SecretSourceError(
      `--${spec.option}-fd ${text}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`,
    );
  }
}

/** The secret from the one source given; a prompt when none is. */
export async function readSecret(spec: SecretSpec, io: SecretIo = defaultSecretIo()): Promise<string> {
  const fromEnv = spec.envName !== undefined ? io.env[spec.envName] : undefined;
  const given = [
    spec.inline !== undefined && `--${spec.option}`,
    spec.file !== undefined && `--${spec.option}-file`,
    spec.fd !== undefined && `--${spec.option}-fd`,
    fromEnv !== undefined && spec.envName,
  ].filter((s): s is string => typeof s === 'string');
  if (given.length > 1)
    throw new SecretSourceError(`the ${spec.label} is given twice (${given.join(' and ')}): use one`);
  let value: string;
  if (spec.file !== undefined) value = fromFile(spec, spec.file, io.uid);
  else if (spec.fd !== undefined) value = fromFd(spec, spec.fd);
  else if (fromEnv !== undefined) {
    io.warn(
      `${spec.envName} is readable by your other processes and passed to child processes; prefer --${spec.option}-fd or --${spec.option}-file`,
    );
    value = fromEnv;
  } else if (spec.inline !== undefined) {
    io.warn(
      `--${spec.option} on the command line is visible to every user of this machine (ps); prefer the prompt, --${spec.option}-fd or --${spec.option}-file`,
    );
    value = spec.inline;
  } else {
    try {
      value = await io.ask(`${spec.label}: `);
    } catch {
      throw new SecretSourceError(
        `no terminal to ask for the ${spec.label}: use --${spec.option}-fd or --${spec.option}-file` +
          (spec.envName ? ` (or ${spec.envName})` : ''),
      );
    }
  }
  if (value === '') throw new SecretSourceError(`the ${spec.label} is empty`);
  return value;
}
