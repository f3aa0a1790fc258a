// The HeyGen v3 API surface (webhook management, jobs, users/me) as HTTP handlers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, defaultCode, defaultMessage, errorBody } from './errors';
import type { FaultInjector } from './faults';
import { bodyForLog, headerValue, parseJsonObject, queryObject, readBody, sendJson } from './httpMessages';
import { IdempotencyStore, validateIdempotencyKey } from './idempotency';
import type { BearerVerdict } from './oauth';
import { newEndpointId, newSecret } from './ids';
import { callbackFields, translationView, VIDEO_TYPES, videoView, type JobFields, type JobRunner } from './jobs';
import { CursorStore, parseLimit } from './pagination';
import { probeFailure, probeUrl, validateWebhookUrl } from './probe';
import { publicEndpoint, type Account, type SandboxState } from './state';
import type { CallRecord, FaultInfo, JobType, ProbeRecord, ResolvedOptions, StoredEndpoint, StoredJob, VideoType } from './types';

interface ApiResponse {
	status: number;
	body: unknown;
	headers?: Record<string, string>;
}

const ok = (data: unknown): ApiResponse => ({ status: 200, body: { data, error: null } });

/** What `POST /v3/videos` requires besides `type`, per type (HeyGen's request schemas). */
const VIDEO_REQUIRED: Record<VideoType, readonly string[]> = {
	avatar: ['avatar_id'],
	image: ['image'],
	studio: ['scenes'],
	cinematic_avatar: ['prompt', 'avatar_id'],
};

/** Present and not empty: a non-blank string, a non-empty list, or an object. */
const given = (value: unknown): boolean =>
	typeof value === 'string' ? value.trim() !== '' : Array.isArray(value) ? value.length > 0 : typeof value === 'object' && value !== null;

export interface ApiContext {
	state: SandboxState;
	jobs: JobRunner;
	options: ResolvedOptions;
	faults: FaultInjector;
	calls: CallRecord[];
	probes: ProbeRecord[];
	/** Aborted on stop so an in-progress probe does not outlive the sandbox. */
	probeSignal: () => AbortSignal;
	/** OAuth access tokens issued by the sandbox's authorization server. */
	bearer: (token: string) => BearerVerdict;
}

export class HeyGenApi {
	readonly cursors = new CursorStore();
	readonly idempotency = new IdempotencyStore();
	private callSeq = 0;

	constructor(private readonly ctx: ApiContext) {}

	reset(): void {
		this.cursors.clear();
		this.idempotency.clear();
	}

	async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
		const started = Date.now();
		const method = (req.method ?? 'GET').toUpperCase();
		const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
		const call: CallRecord = {
			call_id: ++this.callSeq,
			method,
			path,
			query: queryObject(url.searchParams),
			body: null,
			status: null,
			account: null,
			fault: null,
			idempotency_key: null,
			replayed: false,
			started_at: new Date(started).toISOString(),
			duration_ms: null,
		};
		this.ctx.calls.push(call);

		let raw: Buffer = Buffer.alloc(0);
		let response: ApiResponse | undefined;
		try {
			raw = await readBody(req);
		} catch (err) {
			response = toResponse(err);
		}
		call.body = bodyForLog(raw);

		// Faults fire before any work (auth included), like a failing gateway in front of the API.
		const fault = this.ctx.faults.take(method, path);
		if (fault) {
			call.fault = fault.mode;
			this.applyFault(fault, req, res, call, started);
			return;
		}

		if (!response) {
			try {
				response = await this.dispatch(req, method, path, url, raw, call);
			} catch (err) {
				response = toResponse(err);
			}
		}
		if (res.destroyed) return;
		sendJson(res, response.status, response.body, response.headers);
		this.finish(call, response.status, started);
	}

	private finish(call: CallRecord, status: number | null, started: number, note = ''): void {
		call.status = status;
		call.duration_ms = Date.now() - started;
		const who = call.account ?? 'unauthenticated';
		this.ctx.options.log(
			`${call.method} ${call.path} -> ${status ?? '-'}${note} (${who}, ${call.duration_ms} ms)${call.replayed ? ' [idempotent replay]' : ''}`,
		);
	}

	private applyFault(fault: FaultInfo, req: IncomingMessage, res: ServerResponse, call: CallRecord, started: number): void {
		if (fault.mode === 'hang') {
			// Never answered: the connection is only closed by stop().
			this.finish(call, null, started, ' [fault: hang]');
			return;
		}
		if (fault.mode === 'reset') {
			req.socket.destroy();
			this.finish(call, null, started, ' [fault: reset]');
			return;
		}
		const status = fault.status ?? 500;
		const headers: Record<string, string> = {};
		if (fault.retry_after !== null) headers['Retry-After'] = String(fault.retry_after);
		const body = fault.body ?? errorBody(defaultCode(status), defaultMessage(status));
		sendJson(res, status, body, headers);
		this.finish(call, status, started, ' [fault: status]');
	}

	private authenticate(req: IncomingMessage): Account {
		let key = headerValue(req, 'x-api-key');
		if (!key) {
			const auth = headerValue(req, 'authorization');
			const match = auth ? /^Bearer\s+(.+)$/i.exec(auth.trim()) : null;
			key = match ? match[1] : undefined;
			const verdict = key ? this.ctx.bearer(key) : undefined;
			if (verdict && 'account' in verdict) return verdict.account;
			if (verdict) throw new ApiError(401, 'unauthorized', `The access token has ${verdict.rejected === 'expired' ? 'expired' : 'been revoked'}`);
		}
		const account = key ? this.ctx.state.accountByKey(key) : undefined;
		if (!account) throw new ApiError(401, 'unauthorized', 'Invalid API key');
		return account;
	}

	private async dispatch(
		req: IncomingMessage,
		method: string,
		path: string,
		url: URL,
		raw: Buffer,
		call: CallRecord,
	): Promise<ApiResponse> {
		const account = this.authenticate(req);
		call.account = account.name;
		const q = url.searchParams;

		if (path === '/v3/users/me' && method === 'GET') return ok({ ...account.user });
		if (path === '/v3/webhooks/endpoints') {
			if (method === 'GET') return this.listEndpoints(account, q);
			if (method === 'POST') {
				return this.idempotent(req, account, `POST ${path}`, call, () => this.createEndpoint(account, raw));
			}
		}
		const rotate = /^\/v3\/webhooks\/endpoints\/([^/]+)\/rotate-secret$/.exec(path);
		if (rotate && method === 'POST') {
			const id = decodeURIComponent(rotate[1]);
			return this.idempotent(req, account, `POST ${path}`, call, async () => this.rotateSecret(account, id));
		}
		const one = /^\/v3\/webhooks\/endpoints\/([^/]+)$/.exec(path);
		if (one) {
			const id = decodeURIComponent(one[1]);
			if (method === 'PATCH') return this.updateEndpoint(account, id, raw);
			if (method === 'DELETE') return this.deleteEndpoint(account, id);
		}
		if (path === '/v3/videos' && method === 'POST') return this.createVideo(account, raw);
		if (path === '/v3/video-translations' && method === 'POST') return this.createTranslations(account, raw);
		const video = /^\/v3\/videos\/([^/]+)$/.exec(path);
		if (video && method === 'GET') return ok(videoView(this.jobOf(account, 'video', decodeURIComponent(video[1]))));
		const translation = /^\/v3\/video-translations\/([^/]+)$/.exec(path);
		if (translation && method === 'GET') {
			return ok(translationView(this.jobOf(account, 'video_translation', decodeURIComponent(translation[1]))));
		}
		if (path === '/v3/webhooks/event-types' && method === 'GET') return this.listEventTypes(account, q);
		if (path === '/v3/webhooks/events' && method === 'GET') return this.listEvents(account, q);
		throw ApiError.notFound(`No route for ${method} ${path}`);
	}

	/**
	 * Idempotency-Key: a successful first response is stored and replayed as-is for 24 h.
	 * Assumption (HeyGen does not say): like Stripe, failed requests (4xx/5xx) are not stored,
	 * so a client may retry them with the same key.
	 */
	private async idempotent(
		req: IncomingMessage,
		account: Account,
		route: string,
		call: CallRecord,
		run: () => Promise<ApiResponse>,
	): Promise<ApiResponse> {
		const key = validateIdempotencyKey(headerValue(req, 'idempotency-key'));
		if (key === null) return run();
		call.idempotency_key = key;
		const scope = `${account.name} ${route}`;
		const begin = this.idempotency.begin(scope, key);
		if (begin.kind === 'conflict') {
			throw new ApiError(409, 'idempotency_conflict', 'A request with this Idempotency-Key is already in progress');
		}
		if (begin.kind === 'replay') {
			call.replayed = true;
			return { ...begin.response, headers: { ...begin.response.headers, 'Idempotent-Replayed': 'true' } };
		}
		try {
			const response = await run();
			if (response.status >= 200 && response.status < 300) {
				this.idempotency.complete(scope, key, { status: response.status, body: response.body, headers: response.headers ?? {} });
			} else {
				this.idempotency.abandon(scope, key);
			}
			return response;
		} catch (err) {
			this.idempotency.abandon(scope, key);
			throw err;
		}
	}

	private parseEvents(value: unknown): string[] | null {
		if (value === undefined || value === null) return null;
		if (!Array.isArray(value)) throw ApiError.invalid('events', 'events must be an array of event types or null');
		if (value.length === 0) throw ApiError.invalid('events', 'events must be a non-empty array or null (all events)');
		const out: string[] = [];
		for (const item of value) {
			if (typeof item !== 'string') throw ApiError.invalid('events', 'events must contain only strings');
			if (!this.ctx.state.isKnownEventType(item)) throw ApiError.invalid('events', `Unknown event type: ${item}`);
			if (!out.includes(item)) out.push(item);
		}
		return out;
	}

	private async checkedUrl(value: unknown): Promise<string> {
		const url = validateWebhookUrl(value, this.ctx.options.allowHttpHosts);
		const probe = await probeUrl(url, this.ctx.options.probeTimeoutMs, this.ctx.probeSignal());
		this.ctx.probes.push(probe);
		this.ctx.options.log(`probe OPTIONS -> ${probe.ok ? `HTTP ${probe.status}` : probe.error} (${probe.duration_ms} ms)`);
		if (!probe.ok) throw probeFailure(probe);
		return value as string;
	}

	private endpointOf(account: Account, id: string): StoredEndpoint {
		const endpoint = account.endpoints.get(id);
		if (!endpoint) throw ApiError.notFound(`Webhook endpoint ${id} not found`);
		return endpoint;
	}

	private async createEndpoint(account: Account, raw: Buffer): Promise<ApiResponse> {
		const body = parseJsonObject(raw);
		validateWebhookUrl(body.url, this.ctx.options.allowHttpHosts);
		const events = this.parseEvents(body.events);
		let entityId: string | null = null;
		if (body.entity_id !== undefined && body.entity_id !== null) {
			if (typeof body.entity_id !== 'string' || body.entity_id === '') {
				throw ApiError.invalid('entity_id', 'entity_id must be a non-empty string');
			}
			entityId = body.entity_id;
		}
		// The probe runs last so that a request invalid for other reasons sends nothing.
		const url = await this.checkedUrl(body.url);
		const endpoint: StoredEndpoint = {
			endpoint_id: newEndpointId(),
			url,
			events,
			entity_id: entityId,
			status: 'enabled',
			created_at: new Date().toISOString(),
			secret: newSecret(),
			seq: this.ctx.state.nextSeq(),
		};
		account.endpoints.set(endpoint.endpoint_id, endpoint);
		return ok(publicEndpoint(endpoint, true));
	}

	/** The `limit` asked for, capped by `maxPageSize` when the sandbox serves short pages. */
	private pageSize(q: URLSearchParams): number {
		const limit = parseLimit(q.get('limit'));
		return Math.min(limit, this.ctx.options.maxPageSize ?? limit);
	}

	private listEndpoints(account: Account, q: URLSearchParams): ApiResponse {
		const limit = this.pageSize(q);
		const scope = `${account.name}:endpoints`;
		const cursor = this.cursors.resolve(scope, q.get('token'));
		const ordered = [...account.endpoints.values()].sort((a, b) => a.seq - b.seq);
		const page = this.cursors.page(scope, ordered, limit, cursor, (e) => e.seq, 'asc');
		return {
			status: 200,
			body: {
				data: page.items.map((e) => publicEndpoint(e, false)),
				has_more: page.has_more,
				next_token: page.next_token,
				error: null,
			},
		};
	}

	private async updateEndpoint(account: Account, id: string, raw: Buffer): Promise<ApiResponse> {
		const endpoint = this.endpointOf(account, id);
		const body = parseJsonObject(raw);
		const events = 'events' in body ? this.parseEvents(body.events) : endpoint.events;
		if (body.url !== undefined) validateWebhookUrl(body.url, this.ctx.options.allowHttpHosts);
		const url = body.url !== undefined ? await this.checkedUrl(body.url) : endpoint.url;
		// Re-read: the endpoint may have been deleted while the probe ran.
		const current = this.endpointOf(account, id);
		current.url = url;
		current.events = events;
		return ok(publicEndpoint(current, false));
	}

	private deleteEndpoint(account: Account, id: string): ApiResponse {
		this.endpointOf(account, id);
		account.endpoints.delete(id);
		return ok({});
	}

	private rotateSecret(account: Account, id: string): ApiResponse {
		const endpoint = this.endpointOf(account, id);
		// The old secret dies at once: later attempts are signed with the new one.
		endpoint.secret = newSecret();
		return ok({ endpoint_id: endpoint.endpoint_id, secret: endpoint.secret });
	}

	/** Another account's job, or a job of the other resource, is as unknown as a made-up id. */
	private jobOf(account: Account, type: JobType, id: string): StoredJob {
		const job = account.jobs.get(id);
		if (!job || job.job_type !== type) {
			throw ApiError.notFound(`${type === 'video' ? 'Video' : 'Video translation'} ${id} not found`);
		}
		return job;
	}

	private jobFields(body: Record<string, unknown>): JobFields {
		return { ...callbackFields(body, this.ctx.options.allowHttpHosts), duration_ms: this.ctx.options.jobDurationMs };
	}

	private createVideo(account: Account, raw: Buffer): ApiResponse {
		const body = parseJsonObject(raw);
		const type = body.type;
		if (typeof type !== 'string' || !VIDEO_TYPES.includes(type as VideoType)) {
			throw ApiError.invalid('type', `type is required: one of ${VIDEO_TYPES.join(', ')}`);
		}
		const videoType = type as VideoType;
		for (const field of VIDEO_REQUIRED[videoType]) {
			if (!given(body[field])) throw ApiError.invalid(field, `${field} is required for type ${videoType}`);
		}
		// HeyGen's cinematic_avatar schema has no callback fields: modelled as ignored, so no callback.
		const fields = this.jobFields(videoType === 'cinematic_avatar' ? {} : body);
		const avatarId = typeof body.avatar_id === 'string' ? body.avatar_id : null;
		const job = this.ctx.jobs.createVideo(account, { video_type: videoType, avatar_id: avatarId }, fields);
		// "waiting", as HeyGen's create example says, though GET never uses that word.
		return ok({ video_id: job.job_id, status: 'waiting', output_format: 'mp4' });
	}

	private createTranslations(account: Account, raw: Buffer): ApiResponse {
		const body = parseJsonObject(raw);
		if (!given(body.video)) throw ApiError.invalid('video', 'video is required: a video URL or a video object');
		const languages = body.output_languages;
		if (!Array.isArray(languages) || languages.length === 0) {
			throw ApiError.invalid('output_languages', 'output_languages is required: a non-empty list of languages');
		}
		if (!languages.every((language) => typeof language === 'string' && language.trim() !== '')) {
			throw ApiError.invalid('output_languages', 'output_languages must contain only non-empty strings');
		}
		const jobs = this.ctx.jobs.createTranslations(account, languages as string[], this.jobFields(body));
		return ok({ video_translation_ids: jobs.map((job) => job.job_id) });
	}

	private listEventTypes(account: Account, q: URLSearchParams): ApiResponse {
		const all = this.ctx.state.eventTypes();
		const pageSize = q.get('limit') !== null ? parseLimit(q.get('limit')) : this.ctx.options.eventTypesPageSize;
		if (pageSize === null) return { status: 200, body: { data: all, has_more: false, next_token: null, error: null } };
		const scope = `${account.name}:event-types`;
		const cursor = this.cursors.resolve(scope, q.get('token'));
		const indexed = all.map((t, index) => ({ t, index }));
		const page = this.cursors.page(scope, indexed, pageSize, cursor, (x) => x.index, 'asc');
		return {
			status: 200,
			body: { data: page.items.map((x) => x.t), has_more: page.has_more, next_token: page.next_token, error: null },
		};
	}

	private listEvents(account: Account, q: URLSearchParams): ApiResponse {
		const limit = this.pageSize(q);
		const scope = `${account.name}:events`;
		const cursor = this.cursors.resolve(scope, q.get('token'));
		const type = q.get('event_type');
		const entity = q.get('entity_id');
		const ordered = account.events
			.filter((e) => (type === null || e.event_type === type) && (entity === null || e.entity_id === entity))
			.sort((a, b) => b.seq - a.seq);
		const page = this.cursors.page(scope, ordered, limit, cursor, (e) => e.seq, 'desc');
		return {
			status: 200,
			body: {
				data: page.items.map((e) => ({
					event_id: e.event_id,
					event_type: e.event_type,
					event_data: e.event_data,
					created_at: e.created_at,
				})),
				has_more: page.has_more,
				next_token: page.next_token,
				error: null,
			},
		};
	}
}

function toResponse(err: unknown): ApiResponse {
	if (err instanceof ApiError) return { status: err.status, body: err.body(), headers: err.headers };
	const message = err instanceof Error ? err.message : String(err);
	return { status: 500, body: errorBody('internal_error', `Sandbox error: ${message}`) };
}
