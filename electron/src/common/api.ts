// The whole surface between the UI and the privileged side, declared once.
// Neutral code: no Node and no DOM APIs here.

export type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

export interface NodeHealth {
  readonly name: string;
  readonly kind: 'ca' | 'orderer' | 'peer';
  readonly healthy: boolean;
}

export interface KTalkApi {
  /** Health of every network node, as the operations endpoints report it. */
  networkStatus(): Promise<Result<NodeHealth[]>>;
}

export const API_METHODS = ['networkStatus'] as const satisfies ReadonlyArray<keyof KTalkApi>;
export type ApiMethod = (typeof API_METHODS)[number];

export const IPC_CHANNEL_PREFIX = 'ktalk:';
