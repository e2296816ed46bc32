import { render, type RenderResult } from '@testing-library/react';
import type { ReactNode } from 'react';
import { I18nextProvider } from 'react-i18next';
import { ApiProvider } from '../src/api/context';
import type { ConversationSummary } from '../../electron/src/common/api';
import { createFakeApi, type FakeApi, type FakeOptions } from '../src/api/fake-api';
import { DEFAULT_SETTINGS, SettingsProvider } from '../src/lib/settings';
import { ToastProvider, TooltipProvider } from '../src/components/ui';
import { ClockProvider } from '../src/lib/clock';
import { ChatAddonsProvider } from '../src/lib/chat-addons';
import { CHAT_ADDONS } from '../src/app/feature-pages';
import { allNamespaces, createI18n, type Language } from '../src/i18n';

// Mounts a piece of UI the way the app does (same providers), over the fake
// API, with the UI's clock set to the fake's (never the wall clock).

// Every feature's strings bundled from the start (the app fetches the later
// pages' on first use), so a component renders at once in a test.
const ALL_STRINGS = await allNamespaces();

export interface Rendered extends RenderResult {
  readonly api: FakeApi;
}

export function renderWithApp(
  ui: ReactNode,
  options: { api?: FakeApi; fake?: FakeOptions; language?: Language } = {},
): Rendered {
  const api = options.api ?? createFakeApi({ signedInAs: 'Org1MSP::alice', seed: true, ...options.fake });
  const language = options.language ?? 'en';
  const i18n = createI18n(language, ALL_STRINGS);
  const result = render(
    <I18nextProvider i18n={i18n}>
      <SettingsProvider i18n={i18n} initial={{ ...DEFAULT_SETTINGS, language }} persist={false}>
        <TooltipProvider>
          <ToastProvider>
            <ApiProvider api={api}>
              <ClockProvider clock={api.now}>
                <ChatAddonsProvider addons={CHAT_ADDONS}>{ui}</ChatAddonsProvider>
              </ClockProvider>
            </ApiProvider>
          </ToastProvider>
        </TooltipProvider>
      </SettingsProvider>
    </I18nextProvider>,
  );
  return { ...result, api };
}

/** Alice's seeded fake, and a way to find one of its conversations by what it is. */
export function seeded() {
  const api = createFakeApi({ signedInAs: 'Org1MSP::alice', seed: true });
  const find = (f: (c: ConversationSummary) => boolean) => {
    const c = [...api.conversations.values()].map((x) => x.summary).find(f);
    if (!c) throw new Error('seed');
    return c;
  };
  return { api, find };
}
