// Small pure pieces: catalogue, URL rules, signing, and the log never leaking keys or secrets.
import { createHmac } from 'node:crypto';
import { sampleEventData } from '../../dev/heygen-sandbox/catalogue';
import { DeliveryEngine } from '../../dev/heygen-sandbox/delivery';
import { SandboxState } from '../../dev/heygen-sandbox/state';
import { BUILT_IN_EVENT_TYPES } from '../../nodes/shared/eventCatalogue';
import { isLoopbackHost, validateWebhookUrl } from '../../dev/heygen-sandbox/probe';
import { HeyGenSandbox, signBody, DEFAULT_RETRY_SCHEDULE_MS } from '../../dev/heygen-sandbox/server';
import { heygen } from '../support/heygenClient';
import { startReceiver } from '../support/receiver';

describe('sandbox units', () => {
	it('serves the package\'s event catalogue, with a sample payload for every type', () => {
		const sandbox = new SandboxState(new DeliveryEngine({ retryScheduleMs: [], deliveryTimeoutMs: 1000, log: () => {}, lookup: () => undefined }));
		expect(sandbox.eventTypes()).toEqual(BUILT_IN_EVENT_TYPES);
		for (const { event_type } of BUILT_IN_EVENT_TYPES) {
			expect(Object.keys(sampleEventData(event_type, 'cb')).length).toBeGreaterThan(1);
		}
	});

	it('recognises loopback hosts', () => {
		for (const h of ['localhost', 'LOCALHOST', 'a.localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1']) expect(isLoopbackHost(h)).toBe(true);
		for (const h of ['example.com', '10.0.0.1', '128.0.0.1', 'localhost.example.com', '::2']) expect(isLoopbackHost(h)).toBe(false);
		expect(() => validateWebhookUrl('http://host.docker.internal/x')).toThrow(/HTTPS/);
		expect(validateWebhookUrl('http://host.docker.internal/x', ['host.docker.internal']).hostname).toBe('host.docker.internal');
		expect(validateWebhookUrl('https://example.com/x').protocol).toBe('https:');
	});

	it('signs with the whsec_ string as the key, over the body bytes', () => {
		const body = JSON.stringify({ event_type: 'a', event_data: { s: 'héllo' } });
		expect(signBody('whsec_abc', body)).toBe(createHmac('sha256', 'whsec_abc').update(Buffer.from(body)).digest('hex'));
	});

	it('default retry schedule is exponential-ish and spans about 24 h', () => {
		const total = DEFAULT_RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0);
		expect(total).toBeGreaterThan(23 * 3600_000);
		expect(total).toBeLessThanOrEqual(24 * 3600_000);
	});

	it('log lines never contain API keys or secrets', async () => {
		const lines: string[] = [];
		const sandbox = await HeyGenSandbox.start({ apiKeys: ['super-secret-key'], retryScheduleMs: [], log: (l) => lines.push(l) });
		const rcv = await startReceiver();
		try {
			const ep = (await heygen(sandbox.url, 'super-secret-key').post('/v3/webhooks/endpoints', { url: rcv.url })).data.data;
			await heygen(sandbox.url, 'super-secret-key').post(`/v3/webhooks/endpoints/${ep.endpoint_id}/rotate-secret`);
			const fired = sandbox.fireEvent({ event_type: 'avatar_video.success' });
			await sandbox.waitForDeliveries((log) => log.some((a) => a.event_id === fired.event_id));
			expect(lines.length).toBeGreaterThanOrEqual(4);
			const all = lines.join('\n');
			expect(all).not.toContain('super-secret-key');
			expect(all).not.toMatch(/whsec_/);
			expect(all).toContain('POST /v3/webhooks/endpoints -> 200');
			expect(lines.every((l) => !l.includes('\n'))).toBe(true);
		} finally {
			await sandbox.stop();
			await rcv.close();
		}
	});
});
