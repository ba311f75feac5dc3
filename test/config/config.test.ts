import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEnvOverrides, loadConfig, validateConfig } from '../../src/config/index.js';
import { ROOT } from '../support/paths.js';

const example = (role: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(ROOT, 'examples', `${role}.json`), 'utf8')) as Record<string, unknown>;

const tempFile = (content: string): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'ems-config-')), 'config.json');
  writeFileSync(file, content);
  return file;
};

describe('role configuration', () => {
  it.each(['ambulance', 'hospital', 'dispatch'])('accepts the %s example', (role) => {
    const result = validateConfig(example(role));
    expect(result.ok).toBe(true);
  });

  it('reports every mistake at once, each with its path', () => {
    const bad = {
      ...example('ambulance'),
      id: 'Bad Id!',
      http: { host: '0.0.0.0', port: 70000 },
      mqtt: { url: 'http://broker', protocolVersion: 3 },
      reader: { mode: 'pcsc', apduTimeoutMs: -5 },
      cache: { maxEntries: 0, maxBytes: 1024, ttlSeconds: 1.5 },
    };
    const result = validateConfig(bad);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.error.map((p) => p.path).sort();
    expect(paths).toEqual(
      [
        'cache.maxEntries',
        'cache.ttlSeconds',
        'http.port',
        'http.tls',
        'id',
        'mqtt.protocolVersion',
        'mqtt.url',
        'reader.apduTimeoutMs',
      ].sort(),
    );
  });

  it('refuses plain HTTP off loopback unless it is asked for by name', () => {
    const open = { ...example('hospital'), http: { host: '0.0.0.0', port: 8080 } };
    const refused = validateConfig(open);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.map((p) => p.path)).toEqual(['http.tls']);
    expect(validateConfig({ ...open, http: { ...open.http, allowPlainHttp: true } }).ok).toBe(true);
    expect(validateConfig({ ...open, http: { host: '127.0.0.1', port: 8080 } }).ok).toBe(true);
  });

  it('refuses plain mqtt:// or ws:// to a remote broker unless it is asked for by name (issue 12, L10)', () => {
    const hospital = example('hospital');
    // No client certificate: one needs mqtts:// or wss:// (the next test).
    const mqtt = {
      ...(hospital['mqtt'] as Record<string, unknown>),
      certFile: undefined,
      keyFile: undefined,
    };
    const withMqtt = (m: Record<string, unknown>) => validateConfig({ ...hospital, mqtt: { ...mqtt, ...m } });
    for (const url of ['mqtt://broker.ems.example.jp:1883', 'ws://10.0.0.5:8080/mqtt']) {
      const refused = withMqtt({ url, passwordEnv: 'EMS_MQTT_PASSWORD' });
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.error.map((p) => p.path)).toEqual(['mqtt.url']);
      expect(withMqtt({ url, allowPlain: true }).ok).toBe(true);
    }
    for (const url of ['mqtt://127.0.0.1:1883', 'mqtt://localhost:1883', 'ws://[::1]:8080', 'mqtts://b:8883'])
      expect(withMqtt({ url }).ok).toBe(true);
  });

  it('refuses a broker URL that does not parse or holds a user name or password, and a client certificate over plain mqtt:// or ws://', () => {
    // The link opens mqtt(s):// itself (issue 16): it takes the host and port of the URL only, and
    // never sends a certificate over TCP (mqtt.js's connect had switched such a URL to TLS).
    const hospital = example('hospital');
    const mqtt = {
      ...(hospital['mqtt'] as Record<string, unknown>),
      certFile: undefined,
      keyFile: undefined,
    };
    const withMqtt = (m: Record<string, unknown>) => validateConfig({ ...hospital, mqtt: { ...mqtt, ...m } });
    for (const url of [
      'mqtts://ems:hunter2@broker.ems.example.jp:8883',
      'wss://ems@b:443/mqtt',
      'mqtts://a b:8883',
    ]) {
      const refused = withMqtt({ url });
      expect(refused.ok).toBe(false);
      if (!refused.ok) {
        expect(refused.error.map((p) => p.path)).toEqual(['mqtt.url']);
        expect(JSON.stringify(refused.error)).not.toContain('hunter2');
      }
    }
    const certificate = { certFile: '/etc/ems/mqtt.crt', keyFile: '/etc/ems/mqtt.key' };
    for (const url of ['mqtt://127.0.0.1:8883', 'ws://[::1]:8080']) {
      const refused = withMqtt({ url, ...certificate });
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.error.map((p) => p.path)).toEqual(['mqtt.url']);
      expect(withMqtt({ url }).ok).toBe(true);
    }
    for (const url of ['mqtts://b:8883', 'wss://b:443/mqtt'])
      expect(withMqtt({ url, ...certificate }).ok).toBe(true);
  });

  it('never echoes a received value in a problem message (configs hold credentials)', () => {
    const result = validateConfig({
      ...example('dispatch'),
      mqtt: { url: 42, username: { secret: 'hunter2' } },
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(JSON.stringify(result.error)).not.toMatch(/hunter2|42/);
  });

  it('rejects an unknown role with a clear path', () => {
    const result = validateConfig({ ...example('dispatch'), role: 'tanker' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error[0]?.path).toBe('role');
  });

  it('applies EMS_* environment overrides before validating, as JSON where they parse', () => {
    const merged = applyEnvOverrides(example('ambulance'), {
      EMS_HTTP__PORT: '9443',
      EMS_RECORDS__TIMEOUT_MS: '3000',
      EMS_LOG__LEVEL: 'debug',
      EMS_ID: 'amb-osaka-002',
      EMS_LOG_CAPTURE: '/tmp/ignored',
      PATH: '/usr/bin',
    });
    const result = validateConfig(merged);
    expect(result.ok).toBe(true);
    if (!result.ok || result.value.role !== 'ambulance') return;
    expect(result.value.http.port).toBe(9443);
    expect(result.value.records.timeoutMs).toBe(3000);
    expect(result.value.log.level).toBe('debug');
    expect(result.value.id).toBe('amb-osaka-002');
  });

  it('validates environment overrides like the file', async () => {
    const file = tempFile(JSON.stringify(example('hospital')));
    const result = await loadConfig(file, { EMS_HTTP__PORT: 'eighty' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.map((p) => p.path)).toEqual(['http.port']);
  });

  it('reports a missing file and broken JSON as problems, not crashes', async () => {
    const missing = await loadConfig('/nonexistent/ems.json', {});
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error[0]?.message).toContain('ENOENT');
    const broken = await loadConfig(tempFile('{"role": "hospital",'), {});
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.error[0]?.path).toBe('(file)');
  });
});
