import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Result, SessionState } from '../../electron/src/common/api';
import type { ApiClient, Reachability } from '../src/api/client';
import { createApiClient } from '../src/api/client';
import { createFakeApi, type FakeDisk } from '../src/api/fake-api';
import { App } from '../src/app/app';
import { Root } from '../src/app/root';
import { DEFAULT_SETTINGS } from '../src/lib/settings';
import { createI18n } from '../src/i18n';
import { render } from '@testing-library/react';
import { renderWithApp } from './render';

// What the shell tells the user about the session and the app's own
// service must be true: the sync pill follows the newest event, a stopped
// service is named as such, a locked wallet offers sign-in, and settings
// come back from the service rather than this origin's storage.

function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('status pill and the app service', () => {
  it('a session answer that was under way when "connected" arrived does not put the pill back on Connecting', async () => {
    const fake = createFakeApi({ signedInAs: 'Org1MSP::alice' });
    const first = await fake.sessionState();
    if (!first.ok) throw new Error('no session');
    const connecting: SessionState = { ...first.value, sync: 'connecting' };
    let pending: ReturnType<typeof deferred<Result<SessionState>>> | null = null;
    const api: ApiClient = {
      ...fake,
      sessionState: () => {
        if (!pending) return Promise.resolve({ ok: true, value: connecting });
        return pending.promise;
      },
    };
    renderWithApp(<App />, { api: api as typeof fake });
    await screen.findByText('Connecting');
    // A sign-in refresh is on its way with the state as it was ("connecting") …
    pending = deferred<Result<SessionState>>();
    act(() => fake.emit({ type: 'session', state: 'signed-in' }));
    // … when the event stream opens.
    act(() => fake.emit({ type: 'sync', state: 'connected' }));
    await act(async () => pending?.resolve({ ok: true, value: connecting }));
    await screen.findByText('Online');
    expect(screen.queryByText('Connecting')).toBeNull();
  });

  it('a stopped app service is shown as not running, and the shell recovers when it is back', async () => {
    const fake = createFakeApi({ signedInAs: 'Org1MSP::alice', seed: true });
    const watchers = new Set<(state: Reachability) => void>();
    const api: ApiClient = {
      ...fake,
      onReachability: (watcher) => {
        watchers.add(watcher);
        return () => watchers.delete(watcher);
      },
    };
    const tell = (state: Reachability) => act(() => watchers.forEach((w) => w(state)));
    renderWithApp(<App />, { api: api as typeof fake });
    await screen.findByText('Online');
    tell('unreachable');
    expect((await screen.findByRole('alert')).textContent).toContain("cannot reach KTalk's service");
    expect(screen.getByText('No service')).toBeTruthy();
    expect(screen.queryByText('Online')).toBeNull();
    const callsBefore = fake.calls.filter((c) => c === 'sessionState').length;
    tell('reachable');
    await screen.findByText('Online');
    expect(screen.queryByText(/cannot reach/)).toBeNull();
    expect(fake.calls.filter((c) => c === 'sessionState').length).toBeGreaterThan(callsBefore);
  });
});

describe('web client when the app service is gone', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('a call that gets no answer is APP_UNREACHABLE (nothing queued) and reported; an answer reports it back', async () => {
    const fetchStub = vi.fn().mockRejectedValueOnce(new TypeError('Failed to fetch'));
    fetchStub.mockResolvedValueOnce(new Response(JSON.stringify({ ok: true, value: { balance: 1 } }), { status: 200 }));
    vi.stubGlobal('fetch', fetchStub);
    const api = createApiClient();
    const seen: Reachability[] = [];
    api.onReachability?.((state) => seen.push(state));
    const failed = await api.sendMessage({ conversationId: 'c1', text: 'hi' });
    expect(failed).toMatchObject({ ok: false, error: { code: 'APP_UNREACHABLE' } });
    expect(await api.getBalance()).toEqual({ ok: true, value: { balance: 1 } });
    expect(seen).toEqual(['unreachable', 'reachable']);
  });

  it("a server that does not know this page's path or session (KTalk was restarted) counts as unreachable too", async () => {
    const refusal = { error: { code: 'NOT_FOUND', message: 'open the one-time launch URL that KTalk printed' } };
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(new Response(JSON.stringify(refusal), { status: 404 })));
    const api = createApiClient();
    const seen: Reachability[] = [];
    api.onReachability?.((state) => seen.push(state));
    expect(await api.sendMessage({ conversationId: 'c1', text: 'hi' })).toMatchObject({
      ok: false,
      error: { code: 'APP_UNREACHABLE' },
    });
    expect(seen).toEqual(['unreachable']);
  });
});

describe('web client event stream', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('every (re)opened event stream is announced, so the UI re-reads what was pushed while it was not attached', () => {
    const opened: { onopen: (() => void) | null; onerror: (() => void) | null; readyState: number }[] = [];
    class StubEventSource {
      readonly OPEN = 1;
      readonly CLOSED = 2;
      readyState = 0;
      onopen: (() => void) | null = null;
      onerror: (() => void) | null = null;
      onmessage: ((message: MessageEvent<string>) => void) | null = null;
      constructor() {
        opened.push(this);
      }
      close() {
        this.readyState = 2;
      }
    }
    vi.stubGlobal('EventSource', StubEventSource);
    const api = createApiClient();
    const seen: Reachability[] = [];
    api.onReachability?.((state) => seen.push(state));
    const unsubscribe = api.subscribe(() => undefined);
    const [stream] = opened;
    if (!stream) throw new Error('no event stream opened');
    stream.readyState = 1;
    stream.onopen?.();
    // A drop the browser retries by itself, then the stream is back.
    stream.readyState = 0;
    stream.onerror?.();
    stream.readyState = 1;
    stream.onopen?.();
    expect(seen).toEqual(['reachable', 'unreachable', 'reachable']);
    unsubscribe();
  });
});

describe('sign-in after a restart', () => {
  it('a signed-out wallet offers the sign-in screen with its accounts and a passphrase, never first-run enrollment', async () => {
    const disk: FakeDisk = { accounts: [] };
    const before = createFakeApi({ keychain: false, disk, signedInAs: 'Org1MSP::alice' });
    await before.signOut();
    const api = createFakeApi({ keychain: false, disk });
    renderWithApp(<App />, { api });
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy();
    expect(screen.getByRole('radio', { name: /alice/ })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Set up account' })).toBeNull();
    await userEvent.type(screen.getByLabelText('Passphrase'), 'not the passphrase');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('That passphrase is not correct.');
  });

  it('a signed-out wallet that cannot list its accounts (written before the index) still offers sign-in', async () => {
    const fake = createFakeApi({ keychain: false });
    const api: ApiClient = {
      ...fake,
      sessionState: async () => ({
        ok: true,
        value: { state: 'signed-out', accounts: [], keychain: false, sync: 'offline' },
      }),
    };
    renderWithApp(<App />, { api: api as typeof fake });
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy();
    expect(screen.getByLabelText('Passphrase')).toBeTruthy();
  });
});

describe('settings kept by the service', () => {
  it('a theme and language chosen once come back in a new launch whose browser storage is empty', async () => {
    const disk: FakeDisk = { accounts: [] };
    const launch = () => {
      localStorage.clear();
      const api = createFakeApi({ keychain: false, disk, signedInAs: 'Org1MSP::alice' });
      return {
        api,
        view: render(<Root api={api} i18n={createI18n('en')} settings={DEFAULT_SETTINGS} clock={api.now} />),
      };
    };
    const first = launch();
    await userEvent.click(await screen.findByRole('button', { name: 'Settings' }));
    // The settings page and its strings load on first visit (the app's own lazy path, not the tests' bundle).
    await userEvent.selectOptions(await screen.findByLabelText('Theme'), 'dark');
    await userEvent.selectOptions(screen.getByLabelText('Language'), 'zh-CN');
    await screen.findByRole('heading', { name: '设置' });
    await waitFor(() => expect(disk.settings?.['acc-alice']).toMatchObject({ language: 'zh-CN', theme: 'dark' }));
    first.view.unmount();

    launch();
    await screen.findByRole('button', { name: '设置' });
    expect(document.documentElement.dataset.theme).toBe('dark');
  });
});
