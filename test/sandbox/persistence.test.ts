// The state file: what `npm start` relies on to keep delivering after a restart.
import { createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HeyGenSandbox, type DeliveryAttempt, type EndpointRecord, type SandboxOptions } from '../../dev/heygen-sandbox/server';
import { heygen, type Envelope } from '../support/heygenClient';
import { startReceiver, type Receiver } from '../support/receiver';

const KEY = 'persist-key';
const hmacHex = (secret: string, raw: Buffer): string => createHmac('sha256', secret).update(raw).digest('hex');

describe('HeyGen sandbox: state file', () => {
	let folder: string;
	let file: string;
	let receiver: Receiver;
	const running: HeyGenSandbox[] = [];
	const start = async (options: SandboxOptions = {}) => {
		const sandbox = await HeyGenSandbox.start({ apiKeys: [KEY], stateFile: file, ...options });
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
		first.createVideoJob();
		first.reset();
		await first.stop();

		const second = await start();
		expect(second.listEndpoints(KEY)).toEqual([]);
		expect(second.listJobs()).toEqual([]);
	});

	it('keeps jobs across a restart: an ended one stays readable, an open one ends later and still calls back', async () => {
		const first = await start({ jobDurationMs: null });
		const api = () => heygen(first.url, KEY);
		const endpoint = (await api().post<Envelope<EndpointRecord>>('/v3/webhooks/endpoints', { url: receiver.url })).data.data;
		const callbackUrl = `${receiver.url}/callback?order=42`;
		const create = async () =>
			(await api().post<Envelope<{ video_id: string }>>('/v3/videos', { type: 'avatar', avatar_id: 'a', callback_url: callbackUrl, callback_id: 'c' }))
				.data.data.video_id;
		const done = await create();
		const open = await create();
		first.completeJob(done);
		await first.waitForDeliveries((all) => all.filter((attempt) => attempt.job_id === done && attempt.ok).length === 2);
		const jobs = first.listJobs();
		await first.stop();

		const second = await start({ jobDurationMs: null });
		expect(second.listJobs()).toEqual(jobs);
		const got = await heygen(second.url, KEY).get<Envelope<{ status: string; video_url: string }>>(`/v3/videos/${done}`);
		expect(got.data.data).toMatchObject({ status: 'completed', video_url: jobs[0].video_url });

		const ended = second.completeJob(open);
		const isOurs = (request: { path: string; raw: Buffer }) => request.raw.toString().includes(open);
		const [signed, unsigned] = (await receiver.waitFor(2, (request) => request.method === 'POST' && isOurs(request))).sort((a, b) =>
			a.path.localeCompare(b.path),
		);
		expect(signed.path).toBe('/hook');
		expect(signed.headers['heygen-signature']).toBe(hmacHex(endpoint.secret as string, signed.raw));
		expect(unsigned.path).toBe('/hook/callback?order=42');
		expect(unsigned.headers).not.toHaveProperty('heygen-signature');
		expect(JSON.parse(unsigned.raw.toString())).toMatchObject({ event_type: 'avatar_video.success', event_data: { video_id: open, url: ended.video_url } });
	});

	it('a job still running at a restart ends on time, counted from its creation', async () => {
		const first = await start({ jobDurationMs: 400 });
		const job = first.createVideoJob();
		await first.stop();

		const second = await start({ jobDurationMs: null });
		const ended = await second.waitForJob(job.job_id, 'completed');
		expect(ended.duration_ms).toBe(400);
		expect(Date.parse(ended.ended_at as string) - Date.parse(job.created_at)).toBeGreaterThanOrEqual(395);
	});

	it('reads a state file written before jobs and delivery kinds existed', async () => {
		const attempt = {
			delivery_id: 'dlv_old',
			event_id: 'evt_old',
			event_type: 'avatar_video.success',
			endpoint_id: 'ep_old',
			account: 'account_1',
			url: receiver.url,
			attempt: 1,
			status: 200,
			error: null,
			response_body: 'ok',
			request_headers: {},
			request_body: '{}',
			sent_at: new Date().toISOString(),
			duration_ms: 3,
			ok: true,
			next_retry_in_ms: null,
			final: true,
		};
		const user = { username: 'u', email: 'u@example.com', first_name: 'U', last_name: 'Ser' };
		const account = { name: 'account_1', apiKey: KEY, moreApiKeys: [], user, endpoints: [], events: [] };
		fs.writeFileSync(file, JSON.stringify({ version: 1, seq: 3, extraTypes: [], accounts: [account], deliveries: [attempt] }));

		const sandbox = await start();
		expect(sandbox.listJobs()).toEqual([]);
		expect(sandbox.deliveries()).toEqual([{ ...attempt, kind: 'endpoint', job_id: null } satisfies DeliveryAttempt]);
		expect(sandbox.createVideoJob().account).toBe('account_1');
	});

	it('without a state file starts empty every time and writes nothing', async () => {
		const sandbox = await HeyGenSandbox.start({ apiKeys: [KEY] });
		running.push(sandbox);
		await heygen(sandbox.url, KEY).post('/v3/webhooks/endpoints', { url: receiver.url });
		expect(fs.readdirSync(folder)).toEqual([]);
	});
});
