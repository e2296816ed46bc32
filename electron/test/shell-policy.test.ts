import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { APP_INDEX_URL, APP_ORIGIN, isAllowedRendererRequest, isAppUrl } from '../src/main/app-scheme';
import { externalLinkDecision } from '../src/main/external-links';
import { permissionGranted } from '../src/main/permissions';

describe('external links', () => {
  it('https: and mailto: links open outside the app, normalised', () => {
    assert.deepEqual(externalLinkDecision('https://example.com/docs?q=1#a'), {
      open: true,
      url: 'https://example.com/docs?q=1#a',
    });
    assert.deepEqual(externalLinkDecision('HTTPS://Example.COM'), { open: true, url: 'https://example.com/' });
    assert.deepEqual(externalLinkDecision('mailto:security@example.com'), {
      open: true,
      url: 'mailto:security@example.com',
    });
  });

  it('javascript:, file:, data:, app:, http: and other schemes are refused', () => {
    for (const url of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      'file:///etc/passwd',
      'data:text/html,<script>alert(1)</script>',
      'app://ktalk/index.html',
      'http://example.com/',
      'ftp://example.com/',
      'smb://fileserver/share',
      'vbscript:msgbox',
      'ms-msdt:/id',
      'chrome://settings',
      'about:blank',
      'blob:app://ktalk/1234',
    ]) {
      assert.deepEqual(externalLinkDecision(url), { open: false }, url);
    }
  });

  it('unparseable links and links carrying credentials are refused', () => {
    for (const url of ['', 'example.com', '//example.com', 'https://', 'https://user:pw@example.com/']) {
      assert.deepEqual(externalLinkDecision(url), { open: false }, url);
    }
  });

  it('control characters cannot reach the OS: the URL handed over is the serialised form', () => {
    const decision = externalLinkDecision('https://example.com/a b\t\n');
    assert.ok(decision.open);
    assert.doesNotMatch(decision.url, /[\s]/);
  });
});

describe('permissions', () => {
  it('notifications are granted to the app page', () => {
    assert.equal(permissionGranted('notifications', APP_INDEX_URL), true);
    assert.equal(permissionGranted('notifications', APP_ORIGIN), true);
  });

  it('every other permission is refused, even to the app page', () => {
    for (const permission of [
      'media',
      'geolocation',
      'clipboard-read',
      'clipboard-sanitized-write',
      'display-capture',
      'openExternal',
      'fullscreen',
      'pointerLock',
      'midiSysex',
      'fileSystem',
      'unknown',
      'storage-access',
      'window-management',
    ]) {
      assert.equal(permissionGranted(permission, APP_INDEX_URL), false, permission);
    }
  });

  it('notifications are refused to any other origin', () => {
    for (const url of ['https://example.com', 'file:///tmp/x.html', 'app://other/index.html', '', 'null']) {
      assert.equal(permissionGranted('notifications', url), false, url);
    }
  });
});

describe('what the renderer may load', () => {
  it('its own app:// files, data: and blob: URLs', () => {
    assert.equal(isAppUrl(APP_INDEX_URL), true);
    for (const url of ['app://ktalk/assets/index-abc.js', 'data:image/png;base64,AAAA', 'blob:app://ktalk/5e1c']) {
      assert.equal(isAllowedRendererRequest(url), true, url);
    }
  });

  it('nothing remote, no local files, no other app host', () => {
    for (const url of [
      'https://example.com/tracker.js',
      'http://127.0.0.1:7051/',
      'wss://example.com/socket',
      'file:///etc/passwd',
      'app://evil/index.html',
      'ftp://example.com/',
      'garbage',
    ]) {
      assert.equal(isAllowedRendererRequest(url), false, url);
    }
  });
});
