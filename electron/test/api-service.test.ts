import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApiService } from '../src/node/api-service';

describe('API service', () => {
  it('reports every node as down when no network runs, as a result rather than a throw', async () => {
    const api = createApiService({ KTALK_PORT_BASE: '41000', KTALK_NETWORK_DIR: '/nonexistent' });
    const result = await api.networkStatus();
    assert.ok(result.ok);
    assert.equal(result.value.length, 8);
    assert.ok(result.value.every((n) => !n.healthy));
  });

  it('turns a bad configuration into a typed error', async () => {
    const api = createApiService({ KTALK_PORT_BASE: 'not-a-port' });
    const result = await api.networkStatus();
    assert.equal(result.ok, false);
    assert.equal(result.ok ? '' : result.error.code, 'NETWORK_UNAVAILABLE');
  });
});
