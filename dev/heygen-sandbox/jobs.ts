// Jobs: videos and video translations. Each starts pending, moves to processing (videos) or
// running (translations), and ends completed or failed: by itself once its duration is over, or at
// once when control says so. Ending one fires its event like fireEvent does (signed, to every
// subscribed endpoint) and, when the job has a callback_url, sends the same envelope there unsigned.
import { EventEmitter } from 'node:events';
import { signedUrl, videoFiles } from './catalogue';
import { ApiError } from './errors';
import { hex32 } from './ids';
import { validateWebhookUrl } from './probe';
import type { Account, SandboxState } from './state';
import type { FailJobInput, JobRecord, JobStatus, JobType, StoredJob, VideoType } from './types';
import { waitUntil } from './wait';

/** Control asked for something the job cannot do (404: no such job; 409: already ended / not pending). */
export class JobStateError extends Error {
	constructor(
		readonly status: 404 | 409,
		message: string,
	) {
		super(message);
	}
}

/** What a client may set on a job. */
export interface JobFields {
	callback_url: string | null;
	callback_id: string | null;
	duration_ms: number | null;
}

export const VIDEO_TYPES: readonly VideoType[] = ['avatar', 'image', 'studio', 'cinematic_avatar'];

const RUNNING: Record<JobType, JobStatus> = { video: 'processing', video_translation: 'running' };

const ended = (job: JobRecord): boolean => job.status === 'completed' || job.status === 'failed';

const DEFAULT_FAILURE: Required<FailJobInput> = {
	code: 'sandbox_failure',
	message: 'The job could not be completed (sandbox failure)',
};

/**
 * `callback_url` and `callback_id` of a create request (HeyGen's API or the sandbox's own). The URL
 * follows the endpoint rules (https, plain http for loopback and allowHttpHosts only) but is never
 * probed: HeyGen documents the OPTIONS probe for endpoints only.
 */
export function callbackFields(body: Record<string, unknown>, allowHttpHosts: readonly string[]): Omit<JobFields, 'duration_ms'> {
	const { callback_url: url, callback_id: id } = body;
	if (url !== undefined && url !== null && (typeof url !== 'string' || url.trim() === '')) {
		throw ApiError.invalid('callback_url', 'callback_url must be a non-empty string (an absolute https URL)');
	}
	if (typeof url === 'string') validateWebhookUrl(url, allowHttpHosts, 'callback_url');
	if (id !== undefined && id !== null && typeof id !== 'string') {
		throw ApiError.invalid('callback_id', 'callback_id must be a string');
	}
	return { callback_url: url ?? null, callback_id: id ?? null };
}

/** A job duration option: a non-negative number of ms; 0 and null mean "only when told to". */
export function jobDuration(value: number | null | undefined, fallback: number | null, name = 'jobDurationMs'): number | null {
	if (value === undefined) return fallback;
	if (value === null || value === 0) return null;
	if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number or null`);
	return value;
}

/** The test view of a job (all its fields but the internal order). */
export function jobRecord(job: StoredJob): JobRecord {
	const record: JobRecord & { seq?: number } = { ...job };
	delete record.seq;
	return record;
}

/** `GET /v3/videos/{video_id}`: failure fields only when failed, completed_at only when completed. */
export function videoView(job: StoredJob): Record<string, unknown> {
	return {
		id: job.job_id,
		video_id: job.job_id,
		status: job.status,
		video_url: job.video_url,
		captioned_video_url: job.captioned_video_url,
		subtitle_url: job.subtitle_url,
		thumbnail_url: job.thumbnail_url,
		duration: job.duration,
		callback_id: job.callback_id,
		created_at: job.created_at,
		...(job.status === 'completed' ? { completed_at: job.ended_at } : {}),
		...(job.status === 'failed' ? { failure_code: job.failure_code, failure_message: job.failure_message } : {}),
	};
}

/** `GET /v3/video-translations/{id}`: failure_message only when failed. */
export function translationView(job: StoredJob): Record<string, unknown> {
	return {
		id: job.job_id,
		video_translation_id: job.job_id,
		status: job.status,
		video_url: job.video_url,
		...(job.status === 'failed' ? { failure_message: job.failure_message } : {}),
		callback_id: job.callback_id,
		output_language: job.output_language,
		created_at: job.created_at,
	};
}

/** Marks the job completed with its files; answers the event to fire and its data. */
function completeJob(job: StoredJob): [string, Record<string, unknown>] {
	job.status = 'completed';
	const id = job.job_id;
	const owner = hex32();
	if (job.job_type === 'video_translation') {
		job.video_url = signedUrl(`${owner}/${id}.mp4`);
		return ['video_translate.success', { video_translate_id: id, url: job.video_url, output_language: job.output_language }];
	}
	const files = videoFiles(id, owner);
	job.video_url = files.url;
	job.captioned_video_url = signedUrl(`${owner}/${id}_caption.mp4`);
	job.subtitle_url = signedUrl(`${owner}/${id}.srt`);
	job.thumbnail_url = signedUrl(`${owner}/${id}.jpg`);
	job.duration = Math.round((5 + Math.random() * 55) * 1000) / 1000;
	return ['avatar_video.success', { video_id: id, ...files }];
}

/** Marks the job failed; answers the event to fire and its data. */
function failJob(job: StoredJob, failure: Required<FailJobInput>): [string, Record<string, unknown>] {
	job.status = 'failed';
	job.failure_code = failure.code;
	job.failure_message = failure.message;
	// The failure text is `msg` for videos and `message` for translations, as HeyGen names them.
	return job.job_type === 'video'
		? ['avatar_video.fail', { video_id: job.job_id, msg: failure.message }]
		: ['video_translate.fail', { video_translate_id: job.job_id, message: failure.message, output_language: job.output_language }];
}

export interface JobRunnerOptions {
	state: SandboxState;
	log: (line: string) => void;
	/** After every change of a job (the state file is rewritten). */
	changed: () => void;
}

export class JobRunner {
	private readonly timers = new Map<string, NodeJS.Timeout[]>();
	private readonly emitter = new EventEmitter();
	private stopped = false;

	constructor(private readonly options: JobRunnerOptions) {
		this.emitter.setMaxListeners(0);
	}

	createVideo(account: Account, video: Pick<JobRecord, 'video_type' | 'avatar_id'>, fields: JobFields): StoredJob {
		return this.create(account, { job_type: 'video', ...video, output_language: null, ...fields });
	}

	/** One job per language, as HeyGen answers one video_translation_id per language. */
	createTranslations(account: Account, languages: readonly string[], fields: JobFields): StoredJob[] {
		return languages.map((language) =>
			this.create(account, { job_type: 'video_translation', video_type: null, avatar_id: null, output_language: language, ...fields }),
		);
	}

	/** Every job of every account, oldest first. */
	all(): StoredJob[] {
		return this.options.state.accounts.flatMap((account) => [...account.jobs.values()]).sort((a, b) => a.seq - b.seq);
	}

	find(jobId: string): StoredJob {
		for (const account of this.options.state.accounts) {
			const job = account.jobs.get(jobId);
			if (job) return job;
		}
		throw new JobStateError(404, `Job ${jobId} not found`);
	}

	/** pending -> processing / running. */
	start(jobId: string): StoredJob {
		const job = this.find(jobId);
		if (job.status !== 'pending') throw new JobStateError(409, `Job ${jobId} is ${job.status}, not pending`);
		this.run(job);
		return job;
	}

	complete(jobId: string): StoredJob {
		return this.end(this.find(jobId), null);
	}

	fail(jobId: string, failure: FailJobInput = {}): StoredJob {
		return this.end(this.find(jobId), { ...DEFAULT_FAILURE, ...failure });
	}

	/** Resolves once the job is in `status` (or `until(job)` holds); rejects after timeoutMs. */
	waitFor(jobId: string, until: JobStatus | ((job: JobRecord) => boolean), timeoutMs = 5000): Promise<JobRecord> {
		const holds = typeof until === 'function' ? until : (job: JobRecord): boolean => job.status === until;
		// An unknown job (or one a reset removed) rejects at once: find() throws.
		const met = (): JobRecord | undefined => {
			const job = jobRecord(this.find(jobId));
			return holds(job) ? job : undefined;
		};
		return waitUntil(this.emitter, 'change', met, timeoutMs, () => {
			const status = this.all().find((job) => job.job_id === jobId)?.status ?? 'gone';
			return `waitForJob timed out after ${timeoutMs} ms; job ${jobId} is ${status}`;
		});
	}

	/** Arms the timers of unfinished jobs (after a state file was loaded); overdue steps run at once. */
	resume(): void {
		for (const job of this.all()) this.schedule(job);
	}

	/** Drops every timer (reset); jobs themselves live in the state. */
	cancelAll(): void {
		for (const timers of this.timers.values()) for (const timer of timers) clearTimeout(timer);
		this.timers.clear();
	}

	stop(): void {
		this.stopped = true;
		this.cancelAll();
	}

	private create(account: Account, input: Pick<JobRecord, 'job_type' | 'video_type' | 'avatar_id' | 'output_language'> & JobFields): StoredJob {
		const job: StoredJob = {
			job_id: hex32(),
			job_type: input.job_type,
			account: account.name,
			status: 'pending',
			video_type: input.video_type,
			avatar_id: input.avatar_id,
			output_language: input.output_language,
			callback_url: input.callback_url,
			callback_id: input.callback_id,
			duration_ms: input.duration_ms,
			created_at: new Date().toISOString(),
			started_at: null,
			ended_at: null,
			video_url: null,
			captioned_video_url: null,
			subtitle_url: null,
			thumbnail_url: null,
			duration: null,
			failure_code: null,
			failure_message: null,
			event_id: null,
			seq: this.options.state.nextSeq(),
		};
		account.jobs.set(job.job_id, job);
		this.options.log(`job ${job.job_id} (${job.job_type}) created on ${account.name}`);
		this.schedule(job);
		this.changed();
		return job;
	}

	/** Running at half the duration, completed at the full duration, both counted from creation. */
	private schedule(job: StoredJob): void {
		const { duration_ms: duration } = job;
		if (duration === null || ended(job) || this.stopped) return;
		const due = (fraction: number): number => Math.max(0, Date.parse(job.created_at) + duration * fraction - Date.now());
		const timers: NodeJS.Timeout[] = [];
		const at = (ms: number, step: () => void): void => {
			const timer = setTimeout(step, ms);
			// Jobs never keep a process (a test run) alive on their own.
			timer.unref();
			timers.push(timer);
		};
		if (job.status === 'pending') at(due(0.5), () => job.status === 'pending' && this.run(job));
		at(due(1), () => !ended(job) && this.end(job, null));
		this.timers.set(job.job_id, timers);
	}

	private run(job: StoredJob): void {
		job.status = RUNNING[job.job_type];
		job.started_at = new Date().toISOString();
		this.options.log(`job ${job.job_id} ${job.status}`);
		this.changed();
	}

	private end(job: StoredJob, failure: Required<FailJobInput> | null): StoredJob {
		if (ended(job)) throw new JobStateError(409, `Job ${job.job_id} has already ${job.status === 'failed' ? 'failed' : 'completed'}`);
		for (const timer of this.timers.get(job.job_id) ?? []) clearTimeout(timer);
		this.timers.delete(job.job_id);
		job.ended_at = new Date().toISOString();
		const [eventType, data] = failure ? failJob(job, failure) : completeJob(job);
		const { apiKey } = this.options.state.accounts.find((a) => a.name === job.account) as Account;
		const fired = this.options.state.fireEvent(
			{ apiKey, event_type: eventType, event_data: data, callback_id: job.callback_id ?? undefined },
			job,
		);
		job.event_id = fired.event_id;
		this.options.log(
			`job ${job.job_id} ${job.status}: ${eventType} ${fired.event_id} to ${fired.matched_endpoints.length} endpoint(s)${job.callback_url ? ' and its callback_url' : ''}`,
		);
		this.changed();
		return job;
	}

	private changed(): void {
		this.options.changed();
		this.emitter.emit('change');
	}
}
