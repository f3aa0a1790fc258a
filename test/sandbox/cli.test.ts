// CLI: argument parsing, commands run in-process against a sandbox, and a spawned `serve`.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseCommand, UsageError, DEFAULT_SANDBOX_URL } from '../../dev/heygen-sandbox/cli-args';
import { run, type CliIo } from '../../dev/heygen-sandbox/cli';
import { HeyGenSandbox } from '../../dev/heygen-sandbox/server';
import { heygen } from '../support/heygenClient';
import { startReceiver, type Receiver } from '../support/receiver';

describe('CLI argument parser', () => {
	it('parses serve with defaults and repeated keys', () => {
		expect(parseCommand(['serve'])).toMatchObject({ name: 'serve', port: 4010, host: '127.0.0.1', apiKeys: ['sandbox-api-key'] });
		expect(
			parseCommand(['serve', '--port', '0', '--api-key', 'a', '--api-key', 'b', '--retry-schedule', '50,100', '--event-types-page-size', '5']),
		).toMatchObject({ port: 0, apiKeys: ['a', 'b'], retryScheduleMs: [50, 100], eventTypesPageSize: 5 });
	});

	it('parses send, with the sandbox URL from flag, env or default', () => {
		expect(parseCommand(['send', 'avatar_video.success', '--callback-id', 'c1', '--data', '{"a":1}'])).toEqual({
			name: 'send',
			sandbox: DEFAULT_SANDBOX_URL,
			eventType: 'avatar_video.success',
			callbackId: 'c1',
			entityId: undefined,
			data: { a: 1 },
			apiKey: undefined,
			waitMs: 3000,
		});
		expect(parseCommand(['reset'], { HEYGEN_SANDBOX_URL: 'http://127.0.0.1:9' })).toEqual({ name: 'reset', sandbox: 'http://127.0.0.1:9' });
		expect(parseCommand(['reset', '--sandbox', 'http://x:1'], { HEYGEN_SANDBOX_URL: 'http://y:2' })).toMatchObject({ sandbox: 'http://x:1' });
	});

	it('parses fault', () => {
		expect(
			parseCommand(['fault', '--method', 'POST', '--path', '/v3/webhooks/endpoints', '--status', '429', '--count', '2', '--retry-after', '2']),
		).toMatchObject({ name: 'fault', spec: { method: 'POST', path: '/v3/webhooks/endpoints', mode: 'status', status: 429, count: 2, retryAfter: 2 } });
		expect(parseCommand(['fault', '--path', '/v3/*', '--mode', 'reset'])).toMatchObject({ spec: { mode: 'reset' } });
	});

	it('parses job commands, jobs, and the job duration of serve', () => {
		expect(
			parseCommand(['job', 'create', 'video', '--avatar-id', 'Daisy', '--callback-url', 'https://x/cb?a=1', '--callback-id', 'c', '--duration', '0']),
		).toEqual({
			name: 'job-create',
			sandbox: DEFAULT_SANDBOX_URL,
			jobType: 'video',
			videoType: undefined,
			avatarId: 'Daisy',
			callbackUrl: 'https://x/cb?a=1',
			callbackId: 'c',
			durationMs: 0,
			apiKey: undefined,
		});
		expect(parseCommand(['job', 'create', 'translation', '--languages', 'Spanish, French,'])).toMatchObject({
			name: 'job-create',
			jobType: 'video_translation',
			languages: ['Spanish', 'French'],
		});
		expect(parseCommand(['job', 'fail', 'abc', '--message', 'm', '--code', 'C'])).toEqual({
			name: 'job-fail',
			sandbox: DEFAULT_SANDBOX_URL,
			jobId: 'abc',
			message: 'm',
			code: 'C',
		});
		expect(parseCommand(['job', 'complete', 'abc'])).toMatchObject({ name: 'job-complete', jobId: 'abc' });
		expect(parseCommand(['job', 'start', 'abc'])).toMatchObject({ name: 'job-start', jobId: 'abc' });
		expect(parseCommand(['jobs', '--status', 'failed'])).toMatchObject({ name: 'jobs', status: 'failed' });
		expect(parseCommand(['deliveries', '--kind', 'callback', '--job-id', 'j'])).toMatchObject({ kind: 'callback', jobId: 'j' });
		expect(parseCommand(['serve', '--job-duration', '0'])).toMatchObject({ jobDurationMs: 0 });
		expect(parseCommand(['serve'])).toMatchObject({ jobDurationMs: undefined });
	});

	it.each([
		[['job']],
		[['job', 'explode']],
		[['job', 'create']],
		[['job', 'create', 'podcast']],
		[['job', 'create', 'translation']],
		[['job', 'create', 'translation', '--languages', ' , ']],
		[['job', 'create', 'translation', '--languages', 'es', '--avatar-id', 'a']],
		[['job', 'create', 'video', '--languages', 'es']],
		[['job', 'create', 'video', '--duration', 'soon']],
		[['job', 'complete']],
		[['job', 'complete', 'a', '--message', 'm']],
		[['job', 'fail', 'a', 'b']],
		[['deliveries', '--kind', 'webhook']],
		[['serve', '--job-duration', '-5']],
	])('rejects %j', (argv) => {
		expect(() => parseCommand(argv)).toThrow(UsageError);
	});

	it.each([
		[['bogus']],
		[['send']],
		[['send', 'a', 'b']],
		[['send', 'a', '--data', '[1]']],
		[['send', 'a', '--data', '{oops']],
		[['send', 'a', '--nope']],
		[['fault', '--status', '500']],
		[['fault', '--path', '/x', '--mode', 'explode']],
		[['fault', '--path', '/x', '--status', '200']],
		[['serve', '--port', 'abc']],
		[['add-account']],
		[['disable']],
	])('rejects %j', (argv) => {
		expect(() => parseCommand(argv)).toThrow(UsageError);
	});

	it('treats no command as help', () => {
		expect(parseCommand([])).toEqual({ name: 'help' });
	});
});

describe('CLI commands', () => {
	let sandbox: HeyGenSandbox;
	let receiver: Receiver;
	let out: string[];
	let err: string[];
	const io = (): CliIo => ({ out: (l) => out.push(l), err: (l) => err.push(l), env: { HEYGEN_SANDBOX_URL: sandbox.url } });

	beforeAll(async () => {
		sandbox = await HeyGenSandbox.start({ retryScheduleMs: [] });
		receiver = await startReceiver();
	});
	afterAll(async () => {
		await sandbox.stop();
		await receiver.close();
	});
	beforeEach(() => {
		sandbox.reset();
		out = [];
		err = [];
	});

	it('send fires an event and prints the delivery result', async () => {
		const ep = (await heygen(sandbox.url).post('/v3/webhooks/endpoints', { url: receiver.url })).data.data;
		const code = await run(['send', 'avatar_video.success', '--callback-id', 'cb-1', '--data', '{"folder_id":"f"}'], io());
		expect(code).toBe(0);
		const text = out.join('\n');
		const eventId = /Fired (evt_[0-9a-f]{32})/.exec(text)?.[1];
		expect(eventId).toBeDefined();
		expect(text).toContain(`${ep.endpoint_id} attempt 1: HTTP 200`);
		expect(sandbox.deliveries({ event_id: eventId })).toHaveLength(1);
		expect(sandbox.events()[0].event_data).toMatchObject({ callback_id: 'cb-1', folder_id: 'f' });
	});

	it('fault, endpoints, deliveries, calls, reset', async () => {
		expect(await run(['fault', '--method', 'GET', '--path', '/v3/users/me', '--status', '429', '--retry-after', '3'], io())).toBe(0);
		const me = await heygen(sandbox.url).get('/v3/users/me');
		expect(me.status).toBe(429);
		expect(me.headers['retry-after']).toBe('3');

		await heygen(sandbox.url).post('/v3/webhooks/endpoints', { url: receiver.url });
		out = [];
		expect(await run(['endpoints'], io())).toBe(0);
		expect(JSON.parse(out.join('\n')).endpoints[0].secret).toMatch(/^whsec_/);
		out = [];
		expect(await run(['calls', '--method', 'GET'], io())).toBe(0);
		expect(JSON.parse(out.join('\n')).calls).toHaveLength(1);
		out = [];
		expect(await run(['deliveries'], io())).toBe(0);
		expect(JSON.parse(out.join('\n'))).toEqual({ deliveries: [] });
		expect(await run(['reset'], io())).toBe(0);
		expect(sandbox.listEndpoints()).toEqual([]);
	});

	it('oauth-client registers a client (secret never printed); oauth lists and expires tokens', async () => {
		const redirect = 'http://127.0.0.1:5678/rest/oauth2-credential/callback';
		expect(await run(['oauth-client', 'cli-client', '--redirect-uri', redirect, '--client-secret', 'cli-secret'], io())).toBe(0);
		expect(JSON.parse(out.join('\n'))).toEqual({
			client: { client_id: 'cli-client', confidential: true, redirect_uris: [redirect], account: 'account_1' },
		});
		out = [];
		expect(await run(['oauth', '--expire-tokens'], io())).toBe(0);
		const text = out.join('\n');
		expect(text).toContain('"expired": 0');
		expect(text).toContain('cli-client');
		expect(text).not.toContain('cli-secret');
		expect(await run(['oauth-client', 'no-redirect'], io())).toBe(2);
	});

	it('job create, jobs, job start|complete|fail: a job driven to its end, with its callback', async () => {
		const callbackUrl = `${receiver.url}/callback?order=9`;
		expect(await run(['job', 'create', 'video', '--avatar-id', 'Daisy', '--callback-url', callbackUrl, '--callback-id', 'cli'], io())).toBe(0);
		const [video] = JSON.parse(out.join('\n')).jobs;
		expect(video).toMatchObject({ job_type: 'video', avatar_id: 'Daisy', callback_url: callbackUrl, callback_id: 'cli', status: 'pending' });
		out = [];
		expect(await run(['job', 'create', 'translation', '--languages', 'Spanish,French', '--duration', '0'], io())).toBe(0);
		const translations = JSON.parse(out.join('\n')).jobs;
		expect(translations.map((job: { output_language: string }) => job.output_language)).toEqual(['Spanish', 'French']);

		out = [];
		expect(await run(['job', 'start', video.job_id], io())).toBe(0);
		expect(JSON.parse(out.join('\n')).job.status).toBe('processing');
		out = [];
		expect(await run(['job', 'complete', video.job_id], io())).toBe(0);
		expect(JSON.parse(out.join('\n')).job.status).toBe('completed');
		const [callback] = await receiver.waitFor(1, (request) => request.path === '/hook/callback?order=9');
		expect(JSON.parse(callback.raw.toString())).toMatchObject({ event_type: 'avatar_video.success', event_data: { video_id: video.job_id, callback_id: 'cli' } });
		out = [];
		expect(await run(['deliveries', '--kind', 'callback', '--job-id', video.job_id], io())).toBe(0);
		expect(JSON.parse(out.join('\n')).deliveries).toEqual([expect.objectContaining({ kind: 'callback', url: callbackUrl, ok: true })]);

		out = [];
		expect(await run(['job', 'fail', translations[1].job_id, '--message', 'No voice', '--code', 'VOICE'], io())).toBe(0);
		expect(JSON.parse(out.join('\n')).job).toMatchObject({ status: 'failed', failure_message: 'No voice', failure_code: 'VOICE' });

		out = [];
		expect(await run(['jobs', '--status', 'pending'], io())).toBe(0);
		expect(JSON.parse(out.join('\n')).jobs.map((job: { job_id: string }) => job.job_id)).toEqual([translations[0].job_id]);

		expect(await run(['job', 'complete', video.job_id], io())).toBe(1);
		expect(err.join('\n')).toMatch(/Sandbox answered 409: Job \w+ has already completed/);
		expect(sandbox.job(video.job_id)?.status).toBe('completed');
	});

	it('prints usage on bad arguments and a hint when the sandbox is unreachable', async () => {
		expect(await run(['send'], io())).toBe(2);
		expect(err.join('\n')).toMatch(/Usage:/);
		err = [];
		expect(await run(['health', '--sandbox', 'http://127.0.0.1:1'], io())).toBe(1);
		expect(err.join('\n')).toMatch(/Could not reach the sandbox/);
		// Someone who only ever ran `npm start` has never heard of "serve".
		expect(err.join('\n')).toContain('Is the sandbox running? Start it with `npm start` (or `npm run sandbox -- serve`)');
	});
});

describe('CLI serve (spawned)', () => {
	it('starts, prints its URL and answers the control API', async () => {
		const root = path.resolve(__dirname, '..', '..');
		const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['dev/heygen-sandbox/cli.ts', 'serve', '--port', '0', '--api-key', 'spawned-key'], {
			cwd: root,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		try {
			const url = await new Promise<string>((resolve, reject) => {
				let buffer = '';
				const timer = setTimeout(() => reject(new Error(`serve did not start: ${buffer}`)), 20000);
				child.stdout.on('data', (chunk: Buffer) => {
					buffer += chunk.toString();
					const match = /listening on (http:\/\/\S+)/.exec(buffer);
					if (match) {
						clearTimeout(timer);
						resolve(match[1]);
					}
				});
				child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${buffer}`)));
			});
			const health = await heygen(url, null).get('/_sandbox/health');
			expect(health.data.ok).toBe(true);
			expect((await heygen(url, 'spawned-key').get('/v3/users/me')).status).toBe(200);
		} finally {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await exited;
		}
	}, 30000);
});
