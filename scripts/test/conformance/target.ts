import type {
  ApiErrorCode,
  ApiEvent,
  ApiInput,
  ApiMethod,
  ApiOutput,
  KTalkApi,
  KTalkEvents,
  MessageView,
  Result,
} from '../../../electron/src/common/api';

// One behaviour, tested twice: every conformance case runs against the
// in-memory fake the UI's tests use and against the real service on a live
// network. A case sees only this interface, so it cannot tell (and must not
// care) which side it drives.

/** The development users both targets know (network:up registers them; the fake seeds them). */
export const DEV_USERS = {
  alice: 'Org1',
  carol: 'Org1',
  org1admin: 'Org1',
  auditor1: 'Org1',
  bob: 'Org2',
  dave: 'Org2',
  org2admin: 'Org2',
  auditor2: 'Org2',
} as const;
export type DevUser = keyof typeof DEV_USERS;
export type OrgName = (typeof DEV_USERS)[DevUser];

export const mspIdOf = (user: DevUser): string => `${DEV_USERS[user]}MSP`;
export const userIdOf = (user: DevUser): string => `${mspIdOf(user)}::${user}`;

/** One running app (one machine's KTalk), driven only through the typed API. */
export interface ConformanceApp {
  /** For messages: which app of which case. */
  readonly label: string;
  /** The dev user enrolled here, if any. */
  readonly user?: DevUser;
  readonly api: KTalkApi & KTalkEvents;
  /** Every push event since this instance started, in order. */
  readonly events: ApiEvent[];
  /** The call as a transport makes it (arguments checked by the API schemas first). */
  result<M extends ApiMethod>(method: M, input?: ApiInput<M>): Promise<Result<ApiOutput<M>>>;
  /** The call's value; a refusal throws, naming its code. */
  call<M extends ApiMethod>(method: M, input?: ApiInput<M>): Promise<ApiOutput<M>>;
  /** A call expected to be refused: its error code (throws if it was accepted). */
  refused<M extends ApiMethod>(method: M, input?: ApiInput<M>): Promise<ApiErrorCode>;
  /**
   * Calls `probe` until it returns a value (the real service learns from the
   * ledger's events, the fake at once). Fails, naming `what`, if it never does.
   */
  eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T>;
}

export interface ConformanceTarget {
  /** 'fake API' or 'real service', as the test names and the summary show it. */
  readonly name: string;
  /** The passphrase `signedInApp` enrolled with. */
  readonly passphrase: string;
  /** A first-run app: no account on its (fresh) data dir, no OS keychain. */
  firstRunApp(label?: string): Promise<ConformanceApp>;
  /** What the first-run screen sends to enroll `user` (profile, org, id and the secret an admin handed over). */
  enrollInput(user: DevUser, passphrase: string): Promise<ApiInput<'enroll'>>;
  /** A fresh app with `user` enrolled under `passphrase` and signed in (no keychain). */
  signedInApp(user: DevUser, label?: string): Promise<ConformanceApp>;
  /**
   * Quits `app` and starts the app again on the same data (for the fake: the
   * same modelled disk). The new instance has not signed in; `app` is closed.
   */
  restart(app: ConformanceApp): Promise<ConformanceApp>;
  /**
   * `from` sends `to` a direct message (both signed in) and waits until it
   * arrived at `to`; returns both sides' view of it.
   */
  sendDirect(
    from: ConformanceApp,
    to: ConformanceApp,
    text: string,
  ): Promise<{ sent: MessageView; received: MessageView }>;
  /** Closes every app this target started and deletes their data. */
  dispose(): Promise<void>;
}

export interface ConformanceCase {
  /** Reads like the rule it checks: "a wrong passphrase is refused while the wallet is open". */
  readonly name: string;
  /** Set when the fake cannot model the behaviour: says why; the case then runs on the real service only. */
  readonly realOnly?: string;
  run(target: ConformanceTarget): Promise<void>;
}
