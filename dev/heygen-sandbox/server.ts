// HeyGenSandbox: a local simulator of HeyGen's v3 webhook API that signs and delivers events, and
// of its jobs (videos, video translations) whose end fires events and per-job callbacks.
// Test/dev tooling only; usage in README.md next to this file and in cli.ts.
import * as fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeyGenApi } from './api';
import { ControlApi, type ControlTarget } from './control';
import { DEFAULT_RETRY_SCHEDULE_MS, DeliveryEngine } from './delivery';
import { FaultInjector } from './faults';
import { sendJson } from './httpMessages';
import { callbackFields, jobDuration, JobRunner, jobRecord, VIDEO_TYPES, type JobFields } from './jobs';
import { OAuthServer, type OAuthClientInfo, type OAuthClientInput, type OAuthLogEntry } from './oauth';
import { publicEndpoint, SandboxState, type StateSnapshot } from './state';
import type {
	AccountInfo,
	CallRecord,
	DeliveryAttempt,
	DeliveryFilter,
	DeliveryPredicate,
	EndpointRecord,
	EndpointStatus,
	EventTypeInfo,
	FaultInfo,
	FaultSpec,
	FailJobInput,
	FireEventInput,
	FiredEvent,
	JobRecord,
	JobStatus,
	ProbeRecord,
	ResolvedOptions,
	SandboxOptions,
	TranslationJobInput,
	VideoJobInput,
} from './types';

export type * from './types';
export { DEFAULT_RETRY_SCHEDULE_MS, signBody } from './delivery';

export interface HistoryEvent {
	event_id: string;
	event_type: string;
	event_data: Record<string, unknown>;
	entity_id: string | null;
	created_at: string;
}

/** Long enough to watch a job go pending -> processing -> completed, short enough not to wait for. */
export const DEFAULT_JOB_DURATION_MS = 20_000;

function resolveOptions(options: SandboxOptions): ResolvedOptions {
	const positiveInt = (value: number | undefined, name: string, fallback: number): number => {
		if (value === undefined) return fallback;
		if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number`);
		return value;
	};
	const schedule = options.retryScheduleMs ?? [...DEFAULT_RETRY_SCHEDULE_MS];
	if (!schedule.every((ms) => Number.isFinite(ms) && ms >= 0)) {
		throw new Error('retryScheduleMs must contain non-negative numbers');
	}
	const pageSize = options.eventTypesPageSize;
	if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1)) {
		throw new Error('eventTypesPageSize must be a positive integer');
	}
	if (options.maxPageSize !== undefined && (!Number.isInteger(options.maxPageSize) || options.maxPageSize < 1)) {
		throw new Error('maxPageSize must be a positive integer');
	}
	const apiKeys = options.apiKeys ?? ['sandbox-api-key'];
	if (apiKeys.length === 0) throw new Error('apiKeys must contain at least one key');
	return {
		port: positiveInt(options.port, 'port', 0),
		host: options.host ?? '127.0.0.1',
		apiKeys,
		retryScheduleMs: [...schedule],
		deliveryTimeoutMs: positiveInt(options.deliveryTimeoutMs, 'deliveryTimeoutMs', 10_000),
		probeTimeoutMs: positiveInt(options.probeTimeoutMs, 'probeTimeoutMs', 1_000),
		eventTypesPageSize: pageSize ?? null,
		maxPageSize: options.maxPageSize ?? null,
		allowHttpHosts: (options.allowHttpHosts ?? []).map((h) => h.toLowerCase()),
		log: options.log ?? ((): void => undefined),
		stateFile: options.stateFile ?? null,
		jobDurationMs: jobDuration(options.jobDurationMs, DEFAULT_JOB_DURATION_MS),
	};
}

const pathMatches = (pattern: string, path: string): boolean =>
	pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : pattern === path;

export class HeyGenSandbox implements ControlTarget {
	private readonly server: http.Server;
	private readonly state: SandboxState;
	private readonly delivery: DeliveryEngine;
	private readonly jobs: JobRunner;
	private readonly faultInjector = new FaultInjector();
	private readonly api: HeyGenApi;
	private readonly oauth: OAuthServer;
	private readonly control: ControlApi;
	private readonly callLog: CallRecord[] = [];
	private readonly probeLog: ProbeRecord[] = [];
	private probeAbort = new AbortController();
	private baseUrl = '';
	private stopping: Promise<void> | null = null;

	private constructor(private readonly options: ResolvedOptions) {
		this.delivery = new DeliveryEngine({
			retryScheduleMs: options.retryScheduleMs,
			deliveryTimeoutMs: options.deliveryTimeoutMs,
			log: options.log,
			lookup: (account, endpointId) => this.state.lookupEndpoint(account, endpointId),
		});
		this.state = new SandboxState(this.delivery);
		for (const key of options.apiKeys) this.state.addAccount(key);
		this.jobs = new JobRunner({ state: this.state, log: options.log, changed: () => this.save() });
		this.oauth = new OAuthServer(this.state);
		this.api = new HeyGenApi({
			bearer: (token) => this.oauth.bearer(token),
			state: this.state,
			jobs: this.jobs,
			options,
			faults: this.faultInjector,
			calls: this.callLog,
			probes: this.probeLog,
			probeSignal: () => this.probeAbort.signal,
		});
		this.control = new ControlApi(this);
		this.server = http.createServer((req, res) => void this.handle(req, res));
		if (options.stateFile) {
			this.load(options.stateFile);
			this.delivery.onAttempt(() => this.save());
		}
	}

	private load(file: string): void {
		if (!fs.existsSync(file)) return;
		const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as StateSnapshot & { deliveries?: DeliveryAttempt[] };
		this.state.restore(saved);
		this.delivery.restore(saved.deliveries ?? []);
		// Jobs keep running across a restart, counted from their creation.
		this.jobs.resume();
	}

	/** Writes the state file whole (a rename, so a crash never leaves half a file). */
	private save(): void {
		const file = this.options.stateFile;
		if (!file) return;
		const snapshot = { ...this.state.snapshot(), deliveries: this.delivery.attempts() };
		// It holds API keys and endpoint secrets: readable by its owner only.
		fs.writeFileSync(`${file}.tmp`, JSON.stringify(snapshot), { mode: 0o600 });
		fs.renameSync(`${file}.tmp`, file);
	}

	static async start(options: SandboxOptions = {}): Promise<HeyGenSandbox> {
		const sandbox = new HeyGenSandbox(resolveOptions(options));
		await new Promise<void>((resolve, reject) => {
			sandbox.server.once('error', reject);
			sandbox.server.listen(sandbox.options.port, sandbox.options.host, () => {
				sandbox.server.off('error', reject);
				resolve();
			});
		});
		const address = sandbox.server.address() as AddressInfo;
		const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
		sandbox.baseUrl = `http://${host}:${address.port}`;
		return sandbox;
	}

	/** e.g. http://127.0.0.1:4010 */
	get url(): string {
		return this.baseUrl;
	}

	get port(): number {
		return (this.server.address() as AddressInfo).port;
	}

	/** Stops deliveries and probes, drops every connection (hanging faults included) and closes. */
	stop(): Promise<void> {
		if (!this.stopping) {
			this.delivery.stop();
			this.jobs.stop();
			this.probeAbort.abort();
			this.stopping = new Promise<void>((resolve) => {
				this.server.close(() => resolve());
				this.server.closeAllConnections();
			});
		}
		return this.stopping;
	}

	// ---- accounts and catalogue ----

	addAccount(apiKey: string): AccountInfo {
		const account = this.state.addAccount(apiKey);
		this.save();
		return this.state.accountInfo(account);
	}

	/** Issues another key for the account of `apiKey`: same endpoints, same events. */
	addApiKey(apiKey: string, newKey: string): AccountInfo {
		const account = this.state.resolveAccount(apiKey);
		account.moreApiKeys.push(newKey);
		return this.state.accountInfo(account);
	}

	accounts(): AccountInfo[] {
		return this.state.accounts.map((a) => this.state.accountInfo(a));
	}

	eventTypes(): EventTypeInfo[] {
		return this.state.eventTypes();
	}

	/** Adds a type to /v3/webhooks/event-types (and makes it subscribable) at run time. */
	addEventType(eventType: string, description: string): EventTypeInfo {
		const added = this.state.addEventType(eventType, description);
		this.save();
		return added;
	}

	// ---- events and deliveries ----

	/** Records the event and starts delivering it (asynchronously) to every matching endpoint. */
	fireEvent(input: FireEventInput): FiredEvent {
		const fired = this.state.fireEvent(input);
		this.save();
		return fired;
	}

	/** Account history, newest first (the first account when no key is given). */
	events(apiKey?: string): HistoryEvent[] {
		return [...this.state.resolveAccount(apiKey).events]
			.sort((a, b) => b.seq - a.seq)
			.map(({ event_id, event_type, event_data, entity_id, created_at }) => ({
				event_id,
				event_type,
				event_data,
				entity_id,
				created_at,
			}));
	}

	/** Every delivery attempt so far (to endpoints and to job callbacks), oldest first. */
	deliveries(filter: DeliveryFilter = {}): DeliveryAttempt[] {
		return this.delivery
			.attempts()
			.filter(
				(a) =>
					(!filter.event_id || a.event_id === filter.event_id) &&
					(!filter.endpoint_id || a.endpoint_id === filter.endpoint_id) &&
					(!filter.kind || a.kind === filter.kind) &&
					(!filter.job_id || a.job_id === filter.job_id),
			);
	}

	/** Resolves with all attempts once `predicate(allAttempts)` holds; rejects after timeoutMs. */
	waitForDeliveries(predicate: DeliveryPredicate, timeoutMs = 5000): Promise<DeliveryAttempt[]> {
		return this.delivery.waitFor(predicate, timeoutMs);
	}

	// ---- jobs (videos and video translations) ----

	private jobFields(input: VideoJobInput | TranslationJobInput): JobFields {
		return {
			...callbackFields({ ...input }, this.options.allowHttpHosts),
			duration_ms: jobDuration(input.duration_ms, this.options.jobDurationMs, 'duration_ms'),
		};
	}

	/** A video job, as `POST /v3/videos` makes one (type 'avatar' unless given). */
	createVideoJob(input: VideoJobInput = {}): JobRecord {
		const type = input.type ?? 'avatar';
		if (!VIDEO_TYPES.includes(type)) throw new Error(`type must be one of ${VIDEO_TYPES.join(', ')}`);
		if (input.avatar_id !== undefined && input.avatar_id !== null && typeof input.avatar_id !== 'string') {
			throw new Error('avatar_id must be a string');
		}
		const fields = this.jobFields(input);
		const video = { video_type: type, avatar_id: input.avatar_id ?? null };
		return jobRecord(this.jobs.createVideo(this.state.resolveAccount(input.apiKey), video, fields));
	}

	/** One video-translation job per language, as `POST /v3/video-translations` makes them. */
	createTranslationJobs(input: TranslationJobInput): JobRecord[] {
		const languages = input.output_languages;
		if (!Array.isArray(languages) || languages.length === 0 || !languages.every((l) => typeof l === 'string' && l !== '')) {
			throw new Error('output_languages must be a non-empty list of languages');
		}
		const fields = this.jobFields(input);
		return this.jobs.createTranslations(this.state.resolveAccount(input.apiKey), languages, fields).map(jobRecord);
	}

	/** Every job of every account (or of the account of `apiKey`), oldest first. */
	listJobs(filter: { apiKey?: string; status?: JobStatus } = {}): JobRecord[] {
		const account = filter.apiKey === undefined ? null : this.state.resolveAccount(filter.apiKey).name;
		return this.jobs
			.all()
			.filter((job) => (account === null || job.account === account) && (!filter.status || job.status === filter.status))
			.map(jobRecord);
	}

	job(jobId: string): JobRecord | undefined {
		const found = this.jobs.all().find((job) => job.job_id === jobId);
		return found && jobRecord(found);
	}

	/** pending -> processing (video) / running (translation). Throws (409) unless pending. */
	startJob(jobId: string): JobRecord {
		return jobRecord(this.jobs.start(jobId));
	}

	/** Ends the job completed now: fires the success event and its callback. Throws (409) if it already ended. */
	completeJob(jobId: string): JobRecord {
		return jobRecord(this.jobs.complete(jobId));
	}

	/** Ends the job failed now: fires the fail event and its callback. Throws (409) if it already ended. */
	failJob(jobId: string, failure: FailJobInput = {}): JobRecord {
		return jobRecord(this.jobs.fail(jobId, failure));
	}

	/** Resolves with the job once it is in `status` (or `until(job)` holds); rejects after timeoutMs. */
	waitForJob(jobId: string, until: JobStatus | ((job: JobRecord) => boolean), timeoutMs = 5000): Promise<JobRecord> {
		return this.jobs.waitFor(jobId, until, timeoutMs);
	}

	// ---- endpoints (test view: with secrets) ----

	listEndpoints(apiKey?: string): EndpointRecord[] {
		return [...this.state.resolveAccount(apiKey).endpoints.values()]
			.sort((a, b) => a.seq - b.seq)
			.map((e) => publicEndpoint(e, true));
	}

	/** HeyGen may disable an endpoint on its side; this simulates it. */
	setEndpointStatus(endpointId: string, status: EndpointStatus): EndpointRecord {
		const found = this.state.findEndpoint(endpointId);
		if (!found) throw new Error(`Webhook endpoint ${endpointId} not found`);
		found.endpoint.status = status;
		this.save();
		return publicEndpoint(found.endpoint, true);
	}

	// ---- OAuth2 (the authorization server) ----

	/** Registers (or replaces) an OAuth client: which redirect URLs it may use, whose account it gets. */
	registerOAuthClient(input: OAuthClientInput): OAuthClientInfo {
		return this.oauth.registerClient(input);
	}

	oauthClients(): OAuthClientInfo[] {
		return this.oauth.clients();
	}

	/** Authorize, token and revoke requests: outcome and client only, never a token. */
	oauthLog(): OAuthLogEntry[] {
		return this.oauth.log();
	}

	/** Every access token issued so far expires now; refresh tokens keep working. */
	expireAccessTokens(): number {
		return this.oauth.expireAccessTokens();
	}

	/** The test switch: lifetime of access tokens issued from now on (0 = expired at once). */
	setAccessTokenTtl(seconds: number): void {
		if (!Number.isFinite(seconds) || seconds < 0) throw new Error('access_token_ttl_seconds must be a non-negative number');
		this.oauth.accessTokenTtlSeconds = seconds;
	}

	get accessTokenTtl(): number {
		return this.oauth.accessTokenTtlSeconds;
	}

	// ---- logs and faults ----

	/** API calls (never the key: `account` holds the account name). */
	calls(filter: { method?: string; path?: string } = {}): CallRecord[] {
		return this.callLog
			.filter(
				(c) =>
					(!filter.method || c.method === filter.method.toUpperCase()) &&
					(!filter.path || pathMatches(filter.path, c.path)),
			)
			.map((c) => ({ ...c }));
	}

	probes(): ProbeRecord[] {
		return this.probeLog.map((p) => ({ ...p }));
	}

	injectFault(spec: FaultSpec): FaultInfo {
		return this.faultInjector.add(spec);
	}

	faults(): FaultInfo[] {
		return this.faultInjector.list();
	}

	clearFaults(): void {
		this.faultInjector.clear();
	}

	/** Clears endpoints, events, jobs, deliveries (pending retries too), calls, probes, faults, added event types, idempotency keys, OAuth codes and tokens; keeps accounts and OAuth clients. */
	reset(): void {
		this.delivery.clear();
		this.jobs.cancelAll();
		this.state.reset();
		this.api.reset();
		this.oauth.reset();
		this.faultInjector.clear();
		this.callLog.length = 0;
		this.probeLog.length = 0;
		this.save();
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		try {
			const url = new URL(req.url ?? '/', 'http://sandbox.local');
			if (url.pathname === '/_sandbox' || url.pathname.startsWith('/_sandbox/')) {
				await this.control.handle(req, res, url);
			} else if (await this.oauth.handle(req, res, url)) {
				return;
			} else {
				await this.api.handle(req, res, url);
			}
			if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS') this.save();
		} catch (err) {
			if (!res.headersSent && !res.destroyed) {
				sendJson(res, 500, { error: { code: 'internal_error', message: String(err) } });
			}
		}
	}
}
