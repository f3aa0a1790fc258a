// CLI for the HeyGen sandbox: `serve` runs one; the other commands drive a running one through
// its control API (/_sandbox/*). Usage: npx tsx dev/heygen-sandbox/cli.ts help
import http from 'node:http';
import axios, { type AxiosInstance } from 'axios';
import { parseCommand, UsageError, USAGE, type Command } from './cli-args';
import { DEFAULT_JOB_DURATION_MS, HeyGenSandbox } from './server';
import type { DeliveryAttempt, FiredEvent } from './types';

export interface CliIo {
	out: (line: string) => void;
	err: (line: string) => void;
	env: NodeJS.ProcessEnv;
}

const defaultIo: CliIo = {
	out: (line) => process.stdout.write(`${line}\n`),
	err: (line) => process.stderr.write(`${line}\n`),
	env: process.env,
};

class CliError extends Error {}

function client(baseURL: string): AxiosInstance {
	return axios.create({
		baseURL,
		timeout: 10_000,
		validateStatus: () => true,
		// No keep-alive: a one-shot CLI must not wait for pooled sockets to expire.
		httpAgent: new http.Agent({ keepAlive: false }),
	});
}

async function call<T>(
	api: AxiosInstance,
	method: 'get' | 'post' | 'patch' | 'delete',
	path: string,
	data?: unknown,
	params?: Record<string, string | undefined>,
): Promise<T> {
	let res;
	try {
		res = await api.request({ method, url: path, data, params });
	} catch (err) {
		const reason = err instanceof Error ? err.message : String(err);
		throw new CliError(`Could not reach the sandbox at ${api.defaults.baseURL} (${reason}). Is the sandbox running? Start it with \`npm start\` (or \`npm run sandbox -- serve\`); if it listens elsewhere, set --sandbox or HEYGEN_SANDBOX_URL.`);
	}
	if (res.status >= 400) {
		const body = res.data as { error?: { message?: string } } | undefined;
		throw new CliError(`Sandbox answered ${res.status}: ${body?.error?.message ?? JSON.stringify(res.data)}`);
	}
	return res.data as T;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function describeAttempt(a: DeliveryAttempt): string {
	const outcome = a.status !== null ? `HTTP ${a.status}` : `error: ${a.error ?? 'unknown'}`;
	const next = a.ok ? 'delivered' : a.next_retry_in_ms !== null ? `retry in ${a.next_retry_in_ms} ms` : 'gave up';
	return `  ${a.endpoint_id} attempt ${a.attempt}: ${outcome} (${a.duration_ms} ms) -> ${next}  [${a.url}]`;
}

async function send(cmd: Extract<Command, { name: 'send' }>, io: CliIo): Promise<number> {
	const api = client(cmd.sandbox);
	const fired = await call<FiredEvent>(api, 'post', '/_sandbox/events', {
		api_key: cmd.apiKey,
		event_type: cmd.eventType,
		event_data: cmd.data,
		callback_id: cmd.callbackId,
		entity_id: cmd.entityId,
	});
	io.out(`Fired ${fired.event_id} (${fired.event_type}) on ${fired.account}`);
	io.out(`event_data: ${JSON.stringify(fired.event_data)}`);
	if (fired.matched_endpoints.length === 0) {
		io.out('No enabled endpoint subscribes to this event: nothing delivered.');
		return 0;
	}
	io.out(`Matched endpoints: ${fired.matched_endpoints.join(', ')}`);
	// Wait until every matched endpoint has a first answer (or the wait is over).
	const deadline = Date.now() + cmd.waitMs;
	let attempts: DeliveryAttempt[] = [];
	for (;;) {
		attempts = (
			await call<{ deliveries: DeliveryAttempt[] }>(api, 'get', '/_sandbox/deliveries', undefined, {
				event_id: fired.event_id,
			})
		).deliveries;
		// Settled per endpoint: delivered, given up, or next retry due only after our deadline.
		const settled = fired.matched_endpoints.every((id) => {
			const last = attempts.filter((a) => a.endpoint_id === id).pop();
			return last !== undefined && (last.ok || last.final || Date.now() + (last.next_retry_in_ms ?? 0) > deadline);
		});
		if (settled || Date.now() >= deadline) break;
		await sleep(100);
	}
	io.out(attempts.length > 0 ? 'Delivery attempts:' : 'No delivery attempt finished yet.');
	for (const a of attempts) io.out(describeAttempt(a));
	return 0;
}

async function serve(cmd: Extract<Command, { name: 'serve' }>, io: CliIo): Promise<'serving'> {
	const stamp = (): string => new Date().toISOString().slice(11, 23);
	const sandbox = await HeyGenSandbox.start({
		port: cmd.port,
		host: cmd.host,
		apiKeys: cmd.apiKeys,
		retryScheduleMs: cmd.retryScheduleMs,
		deliveryTimeoutMs: cmd.deliveryTimeoutMs,
		probeTimeoutMs: cmd.probeTimeoutMs,
		eventTypesPageSize: cmd.eventTypesPageSize,
		allowHttpHosts: cmd.allowHttpHosts,
		jobDurationMs: cmd.jobDurationMs,
		log: cmd.quiet ? undefined : (line) => io.out(`${stamp()} ${line}`),
	});
	const key = cmd.apiKeys[0];
	io.out(`HeyGen sandbox listening on ${sandbox.url}`);
	io.out(`API key${cmd.apiKeys.length > 1 ? 's (one account each)' : ''}: ${cmd.apiKeys.join(', ')}`);
	io.out(`Try:  curl -H 'X-Api-Key: ${key}' ${sandbox.url}/v3/webhooks/event-types`);
	io.out(`      HEYGEN_SANDBOX_URL=${sandbox.url} npm run sandbox -- send avatar_video.success`);
	const jobDuration = cmd.jobDurationMs ?? DEFAULT_JOB_DURATION_MS;
	io.out(jobDuration === 0 ? 'Jobs end only through "job complete" / "job fail".' : `Jobs end by themselves after ${jobDuration} ms.`);
	io.out(`Control API: ${sandbox.url}/_sandbox/health  (Ctrl+C to stop)`);
	const shutdown = (): void => {
		void sandbox.stop().then(() => process.exit(0));
	};
	process.once('SIGINT', shutdown);
	process.once('SIGTERM', shutdown);
	return 'serving';
}

/** Runs one CLI command. Resolves with the exit code, or 'serving' while `serve` keeps running. */
export async function run(argv: readonly string[], io: CliIo = defaultIo): Promise<number | 'serving'> {
	let cmd: Command;
	try {
		cmd = parseCommand(argv, io.env);
	} catch (err) {
		if (err instanceof UsageError) {
			io.err(`Error: ${err.message}\n`);
			io.err(USAGE);
			return 2;
		}
		throw err;
	}
	try {
		const print = (value: unknown): void => io.out(JSON.stringify(value, null, 2));
		switch (cmd.name) {
			case 'help':
				io.out(USAGE);
				return 0;
			case 'serve':
				return await serve(cmd, io);
			case 'send':
				return await send(cmd, io);
		}
		const api = client(cmd.sandbox);
		switch (cmd.name) {
			case 'fault': {
				const { spec } = cmd;
				const res = await call<{ fault: unknown }>(api, 'post', '/_sandbox/faults', {
					method: spec.method,
					path: spec.path,
					mode: spec.mode,
					status: spec.status,
					count: spec.count,
					retry_after: spec.retryAfter,
					body: spec.body,
				});
				print(res.fault);
				break;
			}
			case 'faults':
				print(cmd.clear ? await call(api, 'delete', '/_sandbox/faults') : await call(api, 'get', '/_sandbox/faults'));
				break;
			case 'endpoints':
				print(await call(api, 'get', '/_sandbox/endpoints', undefined, { api_key: cmd.apiKey }));
				break;
			case 'events':
				print(await call(api, 'get', '/_sandbox/events', undefined, { api_key: cmd.apiKey }));
				break;
			case 'enable':
			case 'disable':
				print(
					await call(api, 'patch', `/_sandbox/endpoints/${encodeURIComponent(cmd.endpointId)}`, {
						status: cmd.name === 'enable' ? 'enabled' : 'disabled',
					}),
				);
				break;
			case 'deliveries':
				print(
					await call(api, 'get', '/_sandbox/deliveries', undefined, {
						event_id: cmd.eventId,
						endpoint_id: cmd.endpointId,
						job_id: cmd.jobId,
						kind: cmd.kind,
					}),
				);
				break;
			case 'jobs':
				print(await call(api, 'get', '/_sandbox/jobs', undefined, { api_key: cmd.apiKey, status: cmd.status }));
				break;
			case 'job-create':
				print(
					await call(api, 'post', '/_sandbox/jobs', {
						job_type: cmd.jobType,
						type: cmd.videoType,
						avatar_id: cmd.avatarId,
						output_languages: cmd.languages,
						callback_url: cmd.callbackUrl,
						callback_id: cmd.callbackId,
						duration_ms: cmd.durationMs,
						api_key: cmd.apiKey,
					}),
				);
				break;
			case 'job-start':
			case 'job-complete':
			case 'job-fail': {
				const step = cmd.name.slice('job-'.length);
				const failure = cmd.name === 'job-fail' ? { message: cmd.message, code: cmd.code } : undefined;
				print(await call(api, 'post', `/_sandbox/jobs/${encodeURIComponent(cmd.jobId)}/${step}`, failure));
				break;
			}
			case 'calls':
				print(await call(api, 'get', '/_sandbox/calls', undefined, { method: cmd.method, path: cmd.path }));
				break;
			case 'add-account':
				print(await call(api, 'post', '/_sandbox/accounts', { api_key: cmd.apiKey }));
				break;
			case 'add-event-type':
				print(
					await call(api, 'post', '/_sandbox/event-types', {
						event_type: cmd.eventType,
						description: cmd.description,
					}),
				);
				break;
			case 'oauth-client':
				print(
					await call(api, 'post', '/_sandbox/oauth/clients', {
						client_id: cmd.clientId,
						redirect_uris: cmd.redirectUris,
						client_secret: cmd.clientSecret,
						api_key: cmd.apiKey,
					}),
				);
				break;
			case 'oauth':
				if (cmd.expireTokens) print(await call(api, 'post', '/_sandbox/oauth/expire-tokens'));
				print(await call(api, 'get', '/_sandbox/oauth'));
				break;
			case 'health':
				print(await call(api, 'get', '/_sandbox/health'));
				break;
			case 'reset':
				await call(api, 'post', '/_sandbox/reset');
				io.out('Sandbox reset (accounts kept).');
				break;
		}
		return 0;
	} catch (err) {
		if (err instanceof CliError) {
			io.err(`Error: ${err.message}`);
			return 1;
		}
		throw err;
	}
}

if (require.main === module) {
	run(process.argv.slice(2)).then(
		(code) => {
			if (code !== 'serving') process.exitCode = code;
		},
		(err: unknown) => {
			process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
			process.exitCode = 1;
		},
	);
}
