// Shared shapes of the sandbox. Public ones mirror HeyGen's v3 JSON (snake_case) so that what a
// test reads programmatically is exactly what a client would see over HTTP.

export type EndpointStatus = 'enabled' | 'disabled';

/** A webhook endpoint as HeyGen returns it from create (secret included). */
export interface EndpointRecord {
	endpoint_id: string;
	url: string;
	events: string[] | null;
	entity_id: string | null;
	status: EndpointStatus;
	created_at: string;
	/** Only create shows it; lists and updates return null. */
	secret: string | null;
}

/** Internal form: `seq` gives a stable creation order that survives deletions (cursor pagination). */
export interface StoredEndpoint extends EndpointRecord {
	seq: number;
	secret: string;
}

export interface EventTypeInfo {
	event_type: string;
	description: string;
}

/** One fired event, as kept in an account's history. */
export interface StoredEvent {
	seq: number;
	event_id: string;
	event_type: string;
	event_data: Record<string, unknown>;
	entity_id: string | null;
	created_at: string;
}

export interface FireEventInput {
	/** Account to fire on; the first account when omitted. */
	apiKey?: string;
	event_type: string;
	/** Merged over a realistic generated sample for the type. */
	event_data?: Record<string, unknown>;
	callback_id?: string;
	entity_id?: string;
}

export interface FiredEvent {
	event_id: string;
	event_type: string;
	event_data: Record<string, unknown>;
	entity_id: string | null;
	created_at: string;
	account: string;
	matched_endpoints: string[];
}

interface DeliveryAttemptBase {
	delivery_id: string;
	event_id: string;
	event_type: string;
	account: string;
	url: string;
	attempt: number;
	status: number | null;
	/** Transport problem (connection error, timeout); null when an HTTP answer arrived. */
	error: string | null;
	response_body: string;
	request_headers: Record<string, string>;
	request_body: string;
	sent_at: string;
	duration_ms: number;
	/** 2xx received. */
	ok: boolean;
	/** Delay before the next attempt, null when none is planned (success or schedule exhausted). */
	next_retry_in_ms: number | null;
	/** No further attempt will follow this one. */
	final: boolean;
}

/** An event to a registered endpoint: signed, with HeyGen's headers. */
export interface EndpointDeliveryAttempt extends DeliveryAttemptBase {
	kind: 'endpoint';
	endpoint_id: string;
	/** The job whose end fired the event; null for events fired by hand. */
	job_id: string | null;
}

/**
 * An event to a job's own `callback_url`: unsigned, without HeyGen's headers. `endpoint_id` is the
 * marker 'callback' rather than null, so code that compares endpoint ids keeps its string type.
 */
export interface CallbackDeliveryAttempt extends DeliveryAttemptBase {
	kind: 'callback';
	endpoint_id: 'callback';
	job_id: string;
}

/** One delivery attempt. `delivery_id` is shared by all attempts of one event to one target. */
export type DeliveryAttempt = EndpointDeliveryAttempt | CallbackDeliveryAttempt;

export type DeliveryKind = DeliveryAttempt['kind'];

export interface DeliveryFilter {
	event_id?: string;
	endpoint_id?: string;
	kind?: DeliveryKind;
	job_id?: string;
}

export type DeliveryPredicate = (attempts: readonly DeliveryAttempt[]) => boolean;

/** `POST /v3/videos` types and what each requires besides `type`. */
export type VideoType = 'avatar' | 'image' | 'studio' | 'cinematic_avatar';

export type JobType = 'video' | 'video_translation';

/**
 * A job's state in its resource's own words: videos go pending -> processing, translations
 * pending -> running; both end completed or failed.
 */
export type JobStatus = 'pending' | 'processing' | 'running' | 'completed' | 'failed';

/** A job as the sandbox keeps it (the test view; the API shows less, per resource). */
export interface JobRecord {
	/** The video_id or video_translation_id: 32 lowercase hex chars. */
	job_id: string;
	job_type: JobType;
	account: string;
	status: JobStatus;
	/** Videos: the request's `type`; null for translations. */
	video_type: VideoType | null;
	/** Videos: the request's `avatar_id` when it has one. */
	avatar_id: string | null;
	/** Translations: this job's language (one job per requested language); null for videos. */
	output_language: string | null;
	callback_url: string | null;
	callback_id: string | null;
	/** How long after creation the job ends by itself; null: only when told to (control). */
	duration_ms: number | null;
	created_at: string;
	started_at: string | null;
	ended_at: string | null;
	/** Presigned-looking file URLs, set on completion (translations have `video_url` only). */
	video_url: string | null;
	captioned_video_url: string | null;
	subtitle_url: string | null;
	thumbnail_url: string | null;
	/** Seconds of video, set on completion of a video. */
	duration: number | null;
	failure_code: string | null;
	failure_message: string | null;
	/** The event fired when the job ended (see events and deliveries), null while it runs. */
	event_id: string | null;
}

/** Internal form: `seq` keeps creation order across accounts. */
export interface StoredJob extends JobRecord {
	seq: number;
}

interface JobInputCommon {
	/** Account of the job; the first account when omitted. */
	apiKey?: string;
	callback_url?: string | null;
	callback_id?: string | null;
	/** Overrides the sandbox's `jobDurationMs` for this job (null: never ends by itself). */
	duration_ms?: number | null;
}

export interface VideoJobInput extends JobInputCommon {
	/** Default 'avatar'. */
	type?: VideoType;
	avatar_id?: string | null;
}

export interface TranslationJobInput extends JobInputCommon {
	output_languages: string[];
}

export interface FailJobInput {
	/** Becomes `failure_message` and the event's `msg` (videos) or `message` (translations). */
	message?: string;
	/** Becomes `failure_code` of the video. */
	code?: string;
}

/** One call to the HeyGen API surface (never holds the API key: only the account name). */
export interface CallRecord {
	call_id: number;
	method: string;
	path: string;
	query: Record<string, string | string[]>;
	body: unknown;
	status: number | null;
	account: string | null;
	fault: FaultMode | null;
	idempotency_key: string | null;
	replayed: boolean;
	started_at: string;
	duration_ms: number | null;
}

/** One OPTIONS validation probe sent while creating/updating an endpoint. */
export interface ProbeRecord {
	url: string;
	ok: boolean;
	status: number | null;
	error: string | null;
	sent_at: string;
	duration_ms: number;
}

export type FaultMode = 'status' | 'hang' | 'reset';

export interface FaultSpec {
	/** HTTP method, or '*' / omitted for any. */
	method?: string;
	/** Exact path, or a prefix ending in '*'. */
	path: string;
	mode?: FaultMode;
	/** For mode 'status' (default 500). */
	status?: number;
	/** How many matching calls fail (default 1). */
	count?: number;
	/** Seconds for the Retry-After header (sent on 429 and 503; default 1 on 429). */
	retryAfter?: number;
	/** Replaces the HeyGen-shaped error body. */
	body?: unknown;
}

export interface FaultInfo {
	fault_id: string;
	method: string;
	path: string;
	mode: FaultMode;
	status: number | null;
	remaining: number;
	retry_after: number | null;
	body: unknown;
}

export interface AccountInfo {
	name: string;
	username: string;
	email: string;
	endpoints: number;
	events: number;
}

export interface SandboxOptions {
	/** 0 = random free port (default). */
	port?: number;
	/** Default 127.0.0.1. */
	host?: string;
	/** Each key is a separate account. Default ['sandbox-api-key']. */
	apiKeys?: string[];
	/** Delays between delivery attempts; attempts = 1 + length. Default: exponential up to ~24 h. */
	retryScheduleMs?: number[];
	/** Receiver must answer within this (default 10000, as HeyGen). */
	deliveryTimeoutMs?: number;
	/** OPTIONS probe timeout (default 1000, as HeyGen). */
	probeTimeoutMs?: number;
	/** When set, /v3/webhooks/event-types paginates with this page size. */
	eventTypesPageSize?: number;
	/**
	 * Serve at most this many items per page of endpoints and events, whatever `limit` asks
	 * (HeyGen does not promise full pages; clients must follow `has_more`). Default: `limit`.
	 */
	maxPageSize?: number;
	/** Extra host names accepted over plain http (loopback always is), e.g. 'host.docker.internal'. */
	allowHttpHosts?: string[];
	/** One line per API call and delivery attempt; never given keys or secrets. */
	log?: (line: string) => void;
	/**
	 * How long a job (a video or video translation) takes: pending for the first half, then
	 * processing/running, then completed. 0 or null: jobs end only through control. Default 20000.
	 */
	jobDurationMs?: number | null;
	/**
	 * A JSON file to keep accounts, endpoints (with secrets), events, jobs and deliveries in, as HeyGen
	 * keeps them: loaded at start when present, rewritten after every change.
	 */
	stateFile?: string;
}

export interface ResolvedOptions {
	port: number;
	host: string;
	apiKeys: string[];
	retryScheduleMs: number[];
	deliveryTimeoutMs: number;
	probeTimeoutMs: number;
	eventTypesPageSize: number | null;
	maxPageSize: number | null;
	allowHttpHosts: string[];
	log: (line: string) => void;
	stateFile: string | null;
	jobDurationMs: number | null;
}
