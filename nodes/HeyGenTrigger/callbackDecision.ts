import type { IDataObject } from 'n8n-workflow';

import { simplifyJob } from '../shared/deliveryItem';
import { JOBS, jobOf, jobOutcome, type JobEvent, type JobKind } from '../shared/jobApi';
import { filterOut, recordVerdict, type DeliveryOptions } from './deliveryDecision';
import { outcomeKey, type ScopeRecord } from './replayRecord';
import { accept, ignore, reject, retryLater, type TriggerAnswer } from './triggerAnswer';

/**
 * What the trigger answers to a per-job callback at its callback URL: the README's table "What
 * happens to a callback". HeyGen does not sign callbacks, so the body only says which job to ask
 * HeyGen's API about, and the item is built from the API's answer. Two pure steps around that
 * call: `screenCallback` decides what needs no HeyGen call, `decideCallback` the rest.
 */

export interface CallbackInput {
	/** False when the trigger listens to registered events only. */
	listening: boolean;
	/** False until activation has stored the trigger's record id. */
	registered: boolean;
	rawBody: Buffer;
	options: DeliveryOptions;
	/** Unix seconds. */
	now: number;
	record: ScopeRecord;
	persistedRecord: unknown;
}

/** A callback that names a job the API can confirm, and whose outcome is not known yet. */
export interface CallbackJob extends JobEvent {
	kind: JobKind;
	keys: string[];
	body: IDataObject;
	/** Static data lacks keys this process knows (see replayRecord.ts). */
	stale: boolean;
}

/** What HeyGen's API said of the job (or why it was not asked). */
export type JobLookup =
	| { state: 'found'; job: IDataObject }
	/** HeyGen answered 404. */
	| { state: 'unknown' }
	| { state: 'unavailable'; reason: 'rate_limited' | 'heygen_error' };

function parseObject(rawBody: Buffer): IDataObject | undefined {
	try {
		const value: unknown = JSON.parse(rawBody.toString('utf8'));
		return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : undefined;
	} catch {
		return undefined;
	}
}

/** Before asking HeyGen: which job the body names, and whether the record already answers for it. */
export function screenCallback(input: CallbackInput): { answer: TriggerAnswer } | { job: CallbackJob } {
	if (!input.listening) {
		return { answer: reject(404, 'not_listening', 'This trigger does not listen to per-job callbacks: set its "Listen To" to include them') };
	}
	if (!input.registered) return { answer: retryLater('not_ready', 'This trigger is still being activated') };
	const body = parseObject(input.rawBody);
	if (!body) return { answer: reject(400, 'invalid_body', "The body must be a JSON object: HeyGen's {event_type, event_data}") };
	const data = (body.event_data !== null && typeof body.event_data === 'object' ? body.event_data : {}) as IDataObject;
	const eventType = typeof body.event_type === 'string' ? body.event_type : '';
	// Without an event type (the envelope is not documented for every job), the id says which job.
	const family = eventType.split('.')[0] || (data.video_translate_id || data.video_translation_id ? 'video_translate' : 'avatar_video');
	const named = jobOf(family, data);
	if (!named) {
		return { answer: reject(400, 'invalid_body', 'The callback names no job: event_data needs a video_id (or video_translate_id)') };
	}
	if (named.kind === undefined) {
		return {
			answer: reject(
				422,
				'unverifiable_callback',
				`HeyGen's API cannot confirm a "${eventType}" callback: this trigger believes callbacks of videos and video translations only`,
			),
		};
	}
	const stale = input.record.absorb(input.persistedRecord, input.now);
	const keys = [outcomeKey(named)];
	if (input.options.ignoreDuplicates !== false) {
		const seen = recordVerdict(input.record, keys, input.now);
		if (seen) return { answer: seen === 'duplicate' ? ignore('duplicate', stale) : seen };
	}
	return { job: { ...named, kind: named.kind, keys, body, stale } };
}

/** With HeyGen's answer: one execution only for a job HeyGen says has ended, built from what HeyGen says. */
export function decideCallback(job: CallbackJob, lookup: JobLookup, input: CallbackInput): TriggerAnswer {
	const { name } = JOBS[job.kind];
	if (lookup.state === 'unavailable') {
		return lookup.reason === 'rate_limited'
			? retryLater('rate_limited', 'Too many callbacks to confirm with HeyGen at the moment; retry later')
			: retryLater('heygen_unavailable', `HeyGen's API could not confirm ${name} ${job.id} at the moment; retry later`);
	}
	if (lookup.state === 'unknown') return reject(404, 'unknown_job', `HeyGen has no ${name} ${job.id}`);
	const outcome = jobOutcome(lookup.job.status);
	if (!outcome) {
		const status = typeof lookup.job.status === 'string' ? lookup.job.status : 'running';
		// A 5xx: if HeyGen's API lags behind its callback, the retry finds the job ended.
		return retryLater('job_running', `HeyGen says ${name} ${job.id} is ${status}: a callback counts once the job has ended`);
	}

	const callbackId = typeof job.body.event_data === 'object' ? (job.body.event_data as IDataObject).callback_id : undefined;
	const item = simplifyJob(job.kind, job.id, lookup.job, {
		source: 'callback',
		family: job.family,
		callbackId: typeof callbackId === 'string' ? callbackId : undefined,
	});
	const filtered = filterOut(input.options, item.event_type as string, item.callback_id);
	if (filtered) return ignore(filtered, job.stale);
	// The record may have changed while HeyGen was asked: a copy, or the signed event, came first.
	if (input.options.ignoreDuplicates !== false) {
		const seen = recordVerdict(input.record, job.keys, input.now);
		if (seen) return seen === 'duplicate' ? ignore('duplicate', job.stale) : seen;
	}
	const output = input.options.output === 'raw' ? { source: 'callback', body: job.body, job: lookup.job } : item;
	return accept(output, input.record.hold(job.keys, input.now));
}
