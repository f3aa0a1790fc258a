// The unauthenticated control API under /_sandbox/: lets tests, the CLI and humans drive the
// sandbox over HTTP (fire events, create and end jobs, inject faults, read the logs, see secrets).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isPlainObject, parseJsonObject, readBody, sendJson } from './httpMessages';
import { JobStateError } from './jobs';
import type { OAuthClientInfo, OAuthClientInput, OAuthLogEntry } from './oauth';
import type {
	AccountInfo,
	CallRecord,
	DeliveryAttempt,
	DeliveryFilter,
	DeliveryKind,
	EndpointRecord,
	EndpointStatus,
	EventTypeInfo,
	FaultInfo,
	FaultMode,
	FaultSpec,
	FailJobInput,
	FireEventInput,
	FiredEvent,
	JobRecord,
	JobStatus,
	ProbeRecord,
	TranslationJobInput,
	VideoJobInput,
	VideoType,
} from './types';

/** What the control API needs from the sandbox (implemented by HeyGenSandbox). */
export interface ControlTarget {
	readonly url: string;
	accounts(): AccountInfo[];
	addAccount(apiKey: string): AccountInfo;
	fireEvent(input: FireEventInput): FiredEvent;
	eventTypes(): EventTypeInfo[];
	addEventType(eventType: string, description: string): EventTypeInfo;
	injectFault(spec: FaultSpec): FaultInfo;
	faults(): FaultInfo[];
	clearFaults(): void;
	listEndpoints(apiKey?: string): EndpointRecord[];
	setEndpointStatus(endpointId: string, status: EndpointStatus): EndpointRecord;
	createVideoJob(input?: VideoJobInput): JobRecord;
	createTranslationJobs(input: TranslationJobInput): JobRecord[];
	listJobs(filter?: { apiKey?: string; status?: JobStatus }): JobRecord[];
	job(jobId: string): JobRecord | undefined;
	startJob(jobId: string): JobRecord;
	completeJob(jobId: string): JobRecord;
	failJob(jobId: string, failure?: FailJobInput): JobRecord;
	events(apiKey?: string): unknown[];
	deliveries(filter?: DeliveryFilter): DeliveryAttempt[];
	calls(filter?: { method?: string; path?: string }): CallRecord[];
	probes(): ProbeRecord[];
	reset(): void;
	registerOAuthClient(input: OAuthClientInput): OAuthClientInfo;
	oauthClients(): OAuthClientInfo[];
	oauthLog(): OAuthLogEntry[];
	expireAccessTokens(): number;
	setAccessTokenTtl(seconds: number): void;
	readonly accessTokenTtl: number;
}

class ControlError extends Error {
	constructor(
		readonly status: number,
		message: string,
	) {
		super(message);
	}
}

const optionalString = (body: Record<string, unknown>, key: string): string | undefined => {
	const value = body[key];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string') throw new ControlError(400, `${key} must be a string`);
	return value;
};

const optionalNumber = (body: Record<string, unknown>, ...keys: string[]): number | undefined => {
	for (const key of keys) {
		const value = body[key];
		if (value === undefined || value === null) continue;
		if (typeof value !== 'number') throw new ControlError(400, `${key} must be a number`);
		return value;
	}
	return undefined;
};

/** `duration_ms`: a number, or null for "only when told to"; absent: the sandbox's jobDurationMs. */
const optionalDuration = (body: Record<string, unknown>): number | null | undefined =>
	body.duration_ms === null ? null : optionalNumber(body, 'duration_ms');

export class ControlApi {
	private readonly startedAt = Date.now();

	constructor(private readonly target: ControlTarget) {}

	async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
		try {
			const raw = await readBody(req);
			let body: Record<string, unknown> = {};
			if (req.method === 'POST' || req.method === 'PATCH') {
				try {
					body = parseJsonObject(raw);
				} catch {
					throw new ControlError(400, 'body must be a JSON object');
				}
			}
			const [status, payload] = this.route((req.method ?? 'GET').toUpperCase(), url, body);
			sendJson(res, status, payload);
		} catch (err) {
			const status = err instanceof ControlError || err instanceof JobStateError ? err.status : 400;
			const message = err instanceof Error ? err.message : String(err);
			const code = status === 404 ? 'not_found' : status === 409 ? 'conflict' : 'invalid_request';
			sendJson(res, status, { error: { code, message } });
		}
	}

	private route(method: string, url: URL, body: Record<string, unknown>): [number, unknown] {
		const path = url.pathname.replace(/\/+$/, '');
		const q = url.searchParams;
		const param = (key: string): string | undefined => q.get(key) ?? undefined;
		const t = this.target;
		const key = `${method} ${path}`;

		switch (key) {
			case 'GET /_sandbox/health':
				return [200, { ok: true, url: t.url, accounts: t.accounts(), uptime_ms: Date.now() - this.startedAt }];
			case 'GET /_sandbox/accounts':
				return [200, { accounts: t.accounts() }];
			case 'POST /_sandbox/accounts': {
				const apiKey = optionalString(body, 'api_key');
				if (!apiKey) throw new ControlError(400, 'api_key is required');
				return [201, { account: t.addAccount(apiKey) }];
			}
			case 'GET /_sandbox/events':
				return [200, { events: t.events(param('api_key')) }];
			case 'POST /_sandbox/events': {
				const eventType = optionalString(body, 'event_type');
				if (!eventType) throw new ControlError(400, 'event_type is required');
				const data = body.event_data;
				if (data !== undefined && data !== null && !isPlainObject(data)) {
					throw new ControlError(400, 'event_data must be a JSON object');
				}
				const fired = t.fireEvent({
					apiKey: optionalString(body, 'api_key'),
					event_type: eventType,
					event_data: isPlainObject(data) ? data : undefined,
					callback_id: optionalString(body, 'callback_id'),
					entity_id: optionalString(body, 'entity_id'),
				});
				return [201, fired];
			}
			case 'GET /_sandbox/event-types':
				return [200, { event_types: t.eventTypes() }];
			case 'POST /_sandbox/event-types': {
				const eventType = optionalString(body, 'event_type');
				if (!eventType) throw new ControlError(400, 'event_type is required');
				return [201, { event_type: t.addEventType(eventType, optionalString(body, 'description') ?? '') }];
			}
			case 'GET /_sandbox/faults':
				return [200, { faults: t.faults() }];
			case 'POST /_sandbox/faults': {
				const path = optionalString(body, 'path');
				if (!path) throw new ControlError(400, 'path is required');
				const fault = t.injectFault({
					method: optionalString(body, 'method'),
					path,
					mode: optionalString(body, 'mode') as FaultMode | undefined,
					status: optionalNumber(body, 'status'),
					count: optionalNumber(body, 'count'),
					retryAfter: optionalNumber(body, 'retry_after', 'retryAfter'),
					body: body.body,
				});
				return [201, { fault }];
			}
			case 'DELETE /_sandbox/faults':
				t.clearFaults();
				return [200, { faults: [] }];
			case 'GET /_sandbox/endpoints':
				return [200, { endpoints: t.listEndpoints(param('api_key')) }];
			case 'GET /_sandbox/deliveries': {
				const kind = param('kind');
				if (kind !== undefined && kind !== 'endpoint' && kind !== 'callback') {
					throw new ControlError(400, 'kind must be "endpoint" or "callback"');
				}
				const filter = {
					event_id: param('event_id'),
					endpoint_id: param('endpoint_id'),
					kind: kind as DeliveryKind | undefined,
					job_id: param('job_id'),
				};
				return [200, { deliveries: t.deliveries(filter) }];
			}
			case 'GET /_sandbox/calls':
				return [200, { calls: t.calls({ method: param('method'), path: param('path') }) }];
			case 'GET /_sandbox/probes':
				return [200, { probes: t.probes() }];
			case 'GET /_sandbox/oauth':
				return [200, { clients: t.oauthClients(), access_token_ttl_seconds: t.accessTokenTtl, log: t.oauthLog() }];
			case 'POST /_sandbox/oauth/clients': {
				const clientId = optionalString(body, 'client_id');
				if (!clientId) throw new ControlError(400, 'client_id is required');
				const uris = body.redirect_uris;
				if (!Array.isArray(uris) || !uris.every((u) => typeof u === 'string')) {
					throw new ControlError(400, 'redirect_uris must be a list of URLs');
				}
				const client = t.registerOAuthClient({
					client_id: clientId,
					client_secret: optionalString(body, 'client_secret'),
					redirect_uris: uris as string[],
					api_key: optionalString(body, 'api_key'),
				});
				return [201, { client }];
			}
			case 'POST /_sandbox/oauth/expire-tokens':
				return [200, { expired: t.expireAccessTokens() }];
			case 'PATCH /_sandbox/oauth': {
				const ttl = optionalNumber(body, 'access_token_ttl_seconds');
				if (ttl === undefined) throw new ControlError(400, 'access_token_ttl_seconds is required');
				t.setAccessTokenTtl(ttl);
				return [200, { access_token_ttl_seconds: t.accessTokenTtl }];
			}
			case 'GET /_sandbox/jobs':
				return [200, { jobs: t.listJobs({ apiKey: param('api_key'), status: param('status') as JobStatus | undefined }) }];
			case 'POST /_sandbox/jobs':
				return [201, { jobs: this.createJobs(body) }];
			case 'POST /_sandbox/reset':
				t.reset();
				return [200, { ok: true }];
		}

		const endpoint = /^\/_sandbox\/endpoints\/([^/]+)$/.exec(path);
		if (endpoint && method === 'PATCH') {
			const status = optionalString(body, 'status');
			if (status !== 'enabled' && status !== 'disabled') {
				throw new ControlError(400, 'status must be "enabled" or "disabled"');
			}
			try {
				return [200, { endpoint: t.setEndpointStatus(decodeURIComponent(endpoint[1]), status) }];
			} catch (err) {
				throw new ControlError(404, err instanceof Error ? err.message : String(err));
			}
		}
		const job = /^\/_sandbox\/jobs\/([^/]+)(?:\/(start|complete|fail))?$/.exec(path);
		if (job) {
			const id = decodeURIComponent(job[1]);
			const step = job[2];
			if (method === 'GET' && step === undefined) {
				const found = t.job(id);
				if (!found) throw new ControlError(404, `Job ${id} not found`);
				return [200, { job: found }];
			}
			if (method === 'POST' && step === 'start') return [200, { job: t.startJob(id) }];
			if (method === 'POST' && step === 'complete') return [200, { job: t.completeJob(id) }];
			if (method === 'POST' && step === 'fail') {
				const failure = { message: optionalString(body, 'message'), code: optionalString(body, 'code') };
				return [200, { job: t.failJob(id, failure) }];
			}
		}
		throw new ControlError(404, `No control route for ${method} ${path}`);
	}

	/** `POST /_sandbox/jobs`: one video, or one translation job per language; HeyGen's field names. */
	private createJobs(body: Record<string, unknown>): JobRecord[] {
		const common = {
			apiKey: optionalString(body, 'api_key'),
			callback_url: optionalString(body, 'callback_url'),
			callback_id: optionalString(body, 'callback_id'),
			duration_ms: optionalDuration(body),
		};
		const jobType = optionalString(body, 'job_type') ?? 'video';
		if (jobType === 'video') {
			const type = optionalString(body, 'type') as VideoType | undefined;
			return [this.target.createVideoJob({ ...common, type, avatar_id: optionalString(body, 'avatar_id') })];
		}
		if (jobType !== 'video_translation') throw new ControlError(400, 'job_type must be "video" or "video_translation"');
		const languages = body.output_languages;
		if (!Array.isArray(languages)) throw new ControlError(400, 'output_languages must be a list of languages');
		return this.target.createTranslationJobs({ ...common, output_languages: languages as string[] });
	}
}
