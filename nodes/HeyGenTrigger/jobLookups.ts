import type { IWebhookFunctions } from 'n8n-workflow';

import { getJob, jobOutcome, type JobKind } from '../shared/jobApi';
import { HeyGenApiError } from '../shared/transport';
import type { CallbackJob, JobLookup } from './callbackDecision';

/**
 * What a flood of forged callbacks can cost: anyone who learns the callback URL can make the
 * trigger ask HeyGen about a job. Per n8n process, answers are cached (an ended job for good, an
 * unknown id for a minute, a running job for 10 s) and the calls themselves are rationed: at most
 * LOOKUP_BURST at once and LOOKUP_PER_MINUTE a minute after that. A callback over the ration is
 * answered 503, so a genuine one is retried.
 */

export const LOOKUP_BURST = 30;
export const LOOKUP_PER_MINUTE = 120;
const CACHE_SIZE = 1000;
const UNKNOWN_FOR_MS = 60_000;
const RUNNING_FOR_MS = 10_000;

export class JobLookups {
	private tokens = LOOKUP_BURST;
	private refilledAt = 0;
	/** Insertion order is age: the oldest entries go first past CACHE_SIZE. */
	private readonly cache = new Map<string, { lookup: JobLookup; until: number }>();

	/** A remembered answer for the job, if still good at `nowMs`. */
	cached(kind: JobKind, id: string, nowMs: number): JobLookup | undefined {
		const entry = this.cache.get(`${kind}:${id}`);
		if (entry && entry.until > nowMs) return entry.lookup;
		return undefined;
	}

	/** Takes one call from the ration; false when it is spent. */
	take(nowMs: number): boolean {
		const refill = ((nowMs - this.refilledAt) / 60_000) * LOOKUP_PER_MINUTE;
		if (refill >= 1) {
			this.tokens = Math.min(LOOKUP_BURST, this.tokens + Math.floor(refill));
			this.refilledAt = nowMs;
		}
		if (this.tokens < 1) return false;
		this.tokens--;
		return true;
	}

	remember(kind: JobKind, id: string, lookup: JobLookup, nowMs: number): void {
		const until =
			lookup.state === 'unknown'
				? nowMs + UNKNOWN_FOR_MS
				: lookup.state === 'found'
					? jobOutcome(lookup.job.status)
						? Infinity
						: nowMs + RUNNING_FOR_MS
					: 0;
		if (until <= nowMs) return;
		const key = `${kind}:${id}`;
		this.cache.delete(key);
		this.cache.set(key, { lookup, until });
		if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
	}
}

/** This process's answers and ration (one for every trigger it serves). */
const lookups = new JobLookups();
/** When a failed HeyGen call was last logged: once a minute at most, so a flood cannot fill the log. */
let warnedAt = 0;

/** HeyGen's word on a callback's job: remembered, rationed, one attempt within HeyGen's 10 s. */
export async function lookUpJob(this: IWebhookFunctions, job: CallbackJob): Promise<JobLookup> {
	const nowMs = Date.now();
	const cached = lookups.cached(job.kind, job.id, nowMs);
	if (cached) return cached;
	if (!lookups.take(nowMs)) return { state: 'unavailable', reason: 'rate_limited' };
	let lookup: JobLookup;
	try {
		lookup = { state: 'found', job: await getJob.call(this, job.kind, job.id, { attempts: 1, timeoutMs: 5000 }) };
	} catch (error) {
		if (error instanceof HeyGenApiError && error.statusCode === 404) {
			lookup = { state: 'unknown' };
		} else {
			if (nowMs - warnedAt >= 60_000) {
				warnedAt = nowMs;
				this.logger.warn(`HeyGen Trigger "${this.getNode().name}" could not confirm a callback with HeyGen's API: ${(error as Error).message}`);
			}
			lookup = { state: 'unavailable', reason: 'heygen_error' };
		}
	}
	lookups.remember(job.kind, job.id, lookup, nowMs);
	return lookup;
}
