import type { KTalkApi } from '../../electron/src/common/api';
import { installWebClient } from './web-client.js';

declare global {
  interface Window {
    ktalk?: KTalkApi;
  }
}

// Placeholder view until the chat UI lands: shows the network's health.
async function render(): Promise<void> {
  const list = document.getElementById('nodes');
  if (!list || !window.ktalk) return;
  const result = await window.ktalk.networkStatus();
  list.replaceChildren(
    ...(result.ok
      ? result.value.map((node) => {
          const item = document.createElement('li');
          item.textContent = `${node.healthy ? '●' : '○'} ${node.kind} ${node.name}`;
          return item;
        })
      : [Object.assign(document.createElement('li'), { textContent: result.error.message })]),
  );
}

installWebClient();
void render();
