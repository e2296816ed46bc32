#!/usr/bin/env node
import { writeFile, readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { ApiMethod, ApiOutput, KTalkApi, KTalkEvents } from '../../common/api';
import { dispatchApi, parseApiArgs } from '../../common/api-args';
import { createAppService } from '../service/app-service';
import { type SecretSpec, readSecret } from './secret-sources';

// `ktalk`: the same API the UI uses, for admins, compliance officers and
// scripts. Every call goes through the shared schemas, so the CLI accepts
// exactly what the UI may send.

const USAGE = `usage: ktalk <command> [options]

  enroll --org <mspId> --id <enrollmentId> [--secret-fd N | --secret-file F] [--profile <name>]
  whoami
  send --to <user> <text>                 user: alice, or Org2MSP::bob
  read --with <user> [--limit 20]
  admin register --id <enrollmentId> --role staff|admin|compliance
  admin reissue <enrollmentId>
  admin list
  admin revoke <enrollmentId>
  audit export --from <ISO time> --to <ISO time> [--format csv|json] [--out <file>]
  audit verify <export.json>

Secrets (the wallet passphrase, an enrollment secret) are asked for at a
terminal. Scripts pass them with --passphrase-fd N / --secret-fd N (a pipe:
never on disk, in ps or in the environment) or --passphrase-file F /
--secret-file F (mode 0600 or stricter, else refused). KTALK_PASSPHRASE and
--secret <value> still work, with a warning: the environment is readable by
your other processes, the command line by every user (ps).
The app's data directory is KTALK_APP_DATA (default ~/.config/ktalk), the
same as the app's.`;

class CliError extends Error {}

async function call<M extends ApiMethod>(api: KTalkApi, method: M, input?: unknown): Promise<ApiOutput<M>> {
  const parsed = parseApiArgs(method, input === undefined ? [] : [input]);
  if (!parsed.ok) throw new CliError(parsed.error.message);
  const result = await dispatchApi(api, parsed.value);
  if (!result.ok) throw new CliError(`${result.error.code}: ${result.error.message}`);
  return result.value as ApiOutput<M>;
}

/** A ticking status line on stderr while a long call runs. */
async function withProgress<T>(label: string, work: Promise<T>): Promise<T> {
  const started = Date.now();
  const tty = process.stderr.isTTY;
  const tick = setInterval(() => {
    const seconds = Math.round((Date.now() - started) / 1000);
    process.stderr.write(tty ? `\r${label}… ${seconds}s` : `${label}… ${seconds}s\n`);
  }, 1000);
  try {
    return await work;
  } finally {
    clearInterval(tick);
    process.stderr.write(`${tty ? '\r' : ''}${label}: done in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  }
}

interface SecretOptions {
  readonly secret?: string;
  readonly 'secret-file'?: string;
  readonly 'secret-fd'?: string;
  readonly 'passphrase-file'?: string;
  readonly 'passphrase-fd'?: string;
}

const passphraseSpec = (values: SecretOptions): SecretSpec => ({
  label: 'wallet passphrase',
  option: 'passphrase',
  file: values['passphrase-file'],
  fd: values['passphrase-fd'],
  envName: 'KTALK_PASSPHRASE',
});

const enrollmentSecretSpec = (values: SecretOptions): SecretSpec => ({
  label: 'enrollment secret',
  option: 'secret',
  inline: values.secret,
  file: values['secret-file'],
  fd: values['secret-fd'],
});

async function signIn(api: KTalkApi, values: SecretOptions): Promise<void> {
  const passphrase = await readSecret(passphraseSpec(values));
  await withProgress('signing in', call(api, 'signIn', { passphrase }));
}

/** `bob` → the first matching enrollment id across the profile's orgs; `Org2MSP::bob` as is. */
async function resolveUser(api: KTalkApi, who: string): Promise<string> {
  if (who.includes('::')) return who;
  const profiles = await call(api, 'listProfiles');
  const state = await call(api, 'sessionState');
  const profile = profiles.find((p) => p.name === state.account?.profile) ?? profiles[0];
  for (const org of profile?.organizations ?? []) {
    const page = await call(api, 'listDirectory', { mspId: org.mspId });
    const hit = page.items.find((c) => c.enrollmentId === who);
    if (hit) return hit.userId;
  }
  throw new CliError(`no user ${who} in the directory`);
}

const time = (iso: string | undefined, name: string): number => {
  const ms = iso ? Date.parse(iso) : NaN;
  if (!Number.isFinite(ms)) throw new CliError(`--${name} must be a date/time such as 2026-11-23T00:00:00Z`);
  return ms;
};

/** `messageId`: the message's own id (a clientMessageId alone may be another sender's too). */
async function waitCommitted(api: KTalkApi & KTalkEvents, messageId: string) {
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new CliError('the message is still pending after 60 s; it stays in the outbox')),
      60_000,
    );
    const stop = api.subscribe((e) => {
      if (e.type !== 'delivery' || e.messageId !== messageId) return;
      if (e.state === 'committed' || e.state === 'failed') {
        clearTimeout(timer);
        stop();
        if (e.state === 'failed') reject(new CliError(`sending failed: ${e.failure ?? 'unknown reason'}`));
        else resolve();
      }
    });
  });
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      org: { type: 'string' },
      id: { type: 'string' },
      secret: { type: 'string' },
      'secret-file': { type: 'string' },
      'secret-fd': { type: 'string' },
      'passphrase-file': { type: 'string' },
      'passphrase-fd': { type: 'string' },
      profile: { type: 'string' },
      to: { type: 'string' },
      with: { type: 'string' },
      limit: { type: 'string' },
      role: { type: 'string' },
      from: { type: 'string' },
      format: { type: 'string', default: 'json' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, sub, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const api = createAppService({ env: process.env });
  try {
    switch (command) {
      case 'enroll': {
        const secret = await readSecret(enrollmentSecretSpec(values));
        const passphrase = await readSecret(passphraseSpec(values));
        const account = await withProgress(
          'enrolling',
          call(api, 'enroll', {
            // The development network's profile comes first when there is one.
            profile: values.profile ?? (await call(api, 'listProfiles'))[0]?.name,
            mspId: values.org,
            enrollmentId: values.id,
            secret,
            passphrase,
          }),
        );
        console.log(`enrolled ${account.userId} (${account.role})`);
        return 0;
      }
      case 'whoami': {
        await signIn(api, values);
        const state = await call(api, 'sessionState');
        console.log(JSON.stringify(state.account, null, 2));
        return 0;
      }
      case 'send': {
        const text = [sub, ...rest].filter((s) => s !== undefined).join(' ');
        if (!values.to || text === '') throw new CliError('send needs --to <user> and a text');
        await signIn(api, values);
        const peer = await resolveUser(api, values.to);
        const conversation = await withProgress('opening the conversation', call(api, 'openDirect', { userId: peer }));
        const message = await call(api, 'sendMessage', { conversationId: conversation.id, text });
        await withProgress('sending', waitCommitted(api, message.id));
        console.log(`sent to ${peer} (${message.clientMessageId})`);
        return 0;
      }
      case 'read': {
        if (!values.with) throw new CliError('read needs --with <user>');
        await signIn(api, values);
        const peer = await resolveUser(api, values.with);
        const conversation = await withProgress('catching up', call(api, 'openDirect', { userId: peer }));
        const page = await call(api, 'listMessages', {
          conversationId: conversation.id,
          limit: Number(values.limit ?? '20'),
        });
        for (const m of [...page.items].reverse()) {
          const body = m.content?.type === 'text' ? m.content.text : JSON.stringify(m.content ?? null);
          const mark = m.verified ? '✓' : '!';
          console.log(`${new Date(m.sentAt).toISOString()} ${mark} ${m.sender}: ${body}`);
        }
        return 0;
      }
      case 'admin':
        await signIn(api, values);
        return await adminCommand(api, sub, rest, values.id, values.role);
      case 'audit':
        await signIn(api, values);
        return await auditCommand(api, sub, rest, values);
      default:
        throw new CliError(`unknown command ${command}\n\n${USAGE}`);
    }
  } catch (error) {
    console.error(`ktalk: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await api.close();
  }
}

async function adminCommand(
  api: KTalkApi,
  sub: string | undefined,
  rest: string[],
  id: string | undefined,
  role: string | undefined,
): Promise<number> {
  switch (sub) {
    case 'register': {
      const r = await withProgress('registering', call(api, 'adminRegister', { enrollmentId: id, role }));
      console.log(`registered ${r.enrollmentId}; one-time enrollment secret: ${r.secret}`);
      return 0;
    }
    case 'reissue': {
      const r = await call(api, 'adminReissueSecret', { enrollmentId: rest[0] ?? id });
      console.log(`new one-time enrollment secret for ${r.enrollmentId}: ${r.secret}`);
      return 0;
    }
    case 'list':
      for (const row of await call(api, 'adminListIdentities')) {
        console.log(
          `${row.enrollmentId.padEnd(24)} ${String(row.role ?? '-').padEnd(11)} CA ${row.caState.padEnd(8)} directory ${row.directory}`,
        );
      }
      return 0;
    case 'revoke': {
      const report = await withProgress(
        'revoking (CA, channel CRL, directory)',
        call(api, 'adminRevoke', { enrollmentId: rest[0] ?? id }),
      );
      console.log(
        `${report.userId}: CA revoked ${report.caRevoked}, CRL in channel ${report.crlInChannel}, directory disabled ${report.directoryDisabled}`,
      );
      return 0;
    }
    default:
      throw new CliError(`unknown admin command ${sub ?? ''}\n\n${USAGE}`);
  }
}

async function auditCommand(
  api: KTalkApi,
  sub: string | undefined,
  rest: string[],
  values: { from?: string; to?: string; format?: string; out?: string },
): Promise<number> {
  if (sub === 'export') {
    const format = values.format === 'csv' ? 'csv' : 'json';
    const exported = await withProgress(
      'exporting the audit trail',
      call(api, 'auditExport', { from: time(values.from, 'from'), to: time(values.to, 'to'), format }),
    );
    const file = values.out ?? exported.fileName;
    await writeFile(file, exported.content, { mode: 0o600 });
    console.log(`${exported.records} records written to ${file}`);
    return 0;
  }
  if (sub === 'verify') {
    const file = rest[0];
    if (!file) throw new CliError('audit verify needs a file');
    const report = await withProgress(
      'verifying against the ledger',
      call(api, 'auditVerify', { content: await readFile(file, 'utf8') }),
    );
    for (const r of report.records.filter((x) => !x.ok)) console.log(`FAIL ${r.txId}#${r.seq}: ${r.reason ?? ''}`);
    console.log(
      `${report.records.filter((r) => r.ok).length}/${report.records.length} records verified; hash chain ${report.chain.ok ? 'ok' : `FAILED: ${report.chain.reason ?? ''}`} (trusted block ${report.chain.trustedBlock})`,
    );
    const { attestation, completeness } = report;
    console.log(
      attestation.ok && attestation.exporter && attestation.exportedAt !== undefined
        ? `attested: exported by ${attestation.exporter} at ${new Date(attestation.exportedAt).toISOString()}`
        : `attestation FAILED: ${attestation.reason ?? ''}`,
    );
    console.log(
      completeness.ok ? 'complete: no record of the window is missing' : `INCOMPLETE: ${completeness.reason ?? ''}`,
    );
    return report.ok ? 0 : 1;
  }
  throw new CliError(`unknown audit command ${sub ?? ''}\n\n${USAGE}`);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
