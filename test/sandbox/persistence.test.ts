// The state file: what `npm start` relies on to keep delivering after a restart.
import { createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HeyGenSandbox, type EndpointRecord } from '../../dev/heygen-sandbox/server';
import { heygen, type Envelope } from '../../dev/heygen-sandbox/testing/client';
import { startReceiver, type Receiver } from '../../dev/heygen-sandbox/testing/receiver';

const KEY = 'persist-key';
const hmacHex = (secret: string, raw: Buffer): string => createHmac('sha256', secret).update(raw).digest('hex');

describe('HeyGen sandbox: state file', () => {
	let folder: string;
	let file: string;
	let receiver: Receiver;
	const running: HeyGenSandbox[] = [];
	const start = async () => {
		const sandbox = await HeyGenSandbox.start({ apiKeys: [KEY], stateFile: file });
		running.push(sandbox);
		return sandbox;
	};

	beforeEach(async () => {
		folder = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-state-'));
		file = path.join(folder, 'heygen-sandbox.json');
		receiver = await startReceiver();
	});
	afterEach(async () => {
		await Promise.all(running.splice(0).map((sandbox) => sandbox.stop()));
		await receiver.close();
		fs.rmSync(folder, { recursive: true, force: true });
	});

	it('keeps accounts, endpoints with their secrets, events and deliveries across a restart', async () => {
		const first = await start();
		const created = await heygen(first.url, KEY).post<Envelope<EndpointRecord>>('/v3/webhooks/endpoints', {
			url: receiver.url,
			events: ['avatar_video.success'],
		});
		const endpoint = created.data.data;
		const fired = first.fireEvent({ apiKey: KEY, event_type: 'avatar_video.success', callback_id: 'one' });
		await first.waitForDeliveries((all) => all.some((attempt) => attempt.ok));
		await first.stop();
		expect(fs.statSync(file).mode & 0o777).toBe(0o600);

		const second = await start();

		expect(second.listEndpoints(KEY)).toEqual([endpoint]);
		expect(second.events(KEY).map((event) => event.event_id)).toEqual([fired.event_id]);
		expect(second.deliveries().map((attempt) => [attempt.event_id, attempt.ok])).toEqual([[fired.event_id, true]]);
		// A new event reaches the same endpoint, signed with the same secret.
		const again = second.fireEvent({ apiKey: KEY, event_type: 'avatar_video.success', callback_id: 'two' });
		expect(again.matched_endpoints).toEqual([endpoint.endpoint_id]);
		const [, delivered] = await receiver.waitFor(2, (request) => request.method === 'POST');
		expect(delivered.headers['heygen-signature']).toBe(hmacHex(endpoint.secret as string, delivered.raw));
		// Ids keep counting on: the list stays in creation order.
		const later = await heygen(second.url, KEY).post<Envelope<EndpointRecord>>('/v3/webhooks/endpoints', { url: `${receiver.url}/b` });
		expect(second.listEndpoints(KEY).map((known) => known.endpoint_id)).toEqual([endpoint.endpoint_id, later.data.data.endpoint_id]);
	});

	it('keeps a reset: the next start is empty', async () => {
		const first = await start();
		await heygen(first.url, KEY).post('/v3/webhooks/endpoints', { url: receiver.url });
		first.reset();
		await first.stop();

		const second = await start();
		expect(second.listEndpoints(KEY)).toEqual([]);
	});

	it('without a state file starts empty every time and writes nothing', async () => {
		const sandbox = await HeyGenSandbox.start({ apiKeys: [KEY] });
		running.push(sandbox);
		await heygen(sandbox.url, KEY).post('/v3/webhooks/endpoints', { url: receiver.url });
		expect(fs.readdirSync(folder)).toEqual([]);
	});
});
