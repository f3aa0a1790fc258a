import type { IDataObject } from 'n8n-workflow';

import { isFailureEvent } from './eventCatalogue';
import { JOBS, jobOutcome, type JobKind } from './jobApi';

/** What HeyGen POSTs to a webhook endpoint. */
export interface HeyGenDelivery {
	event_type: string;
	event_data?: IDataObject;
	[key: string]: unknown;
}

export interface DeliveryHeaders {
	eventId?: string;
	/** Unix seconds, from `Heygen-Timestamp`. */
	timestamp?: number;
}

/** Parses a delivery body; undefined when it is not a JSON object with a string `event_type`. */
export function parseDelivery(rawBody: Buffer): HeyGenDelivery | undefined {
	let body: unknown;
	try {
		body = JSON.parse(rawBody.toString('utf8'));
	} catch {
		return undefined;
	}
	if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
	const { event_type: eventType, event_data: eventData } = body as HeyGenDelivery;
	if (typeof eventType !== 'string' || eventType.trim() === '') return undefined;
	if (eventData !== undefined && (eventData === null || typeof eventData !== 'object' || Array.isArray(eventData))) {
		return undefined;
	}
	return body as HeyGenDelivery;
}

/** Unix seconds as ISO 8601; null when absent or beyond what a date can hold (a hostile header). */
function isoTime(seconds: number | undefined): string | null {
	const date = new Date((seconds ?? NaN) * 1000);
	return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

const firstString = (data: IDataObject, ...fields: string[]) => {
	for (const field of fields) {
		const value = data[field];
		if (typeof value === 'string' && value !== '') return value;
	}
	return undefined;
};

/**
 * The item a no-code user works with: the fields most workflows need at the top level, named as
 * HeyGen names them, and the whole `event_data` for everything else.
 */
export function simplifyDelivery(delivery: HeyGenDelivery, headers: DeliveryHeaders): IDataObject {
	const data = delivery.event_data ?? {};
	const eventType = delivery.event_type;
	const item: IDataObject = {
		source: 'event',
		event_type: eventType,
		event_id: headers.eventId ?? null,
		sent_at: isoTime(headers.timestamp),
		status: eventType.endsWith('.success') ? 'success' : isFailureEvent(eventType) ? 'fail' : null,
		callback_id: firstString(data, 'callback_id') ?? null,
	};
	const videoId = firstString(data, 'video_id');
	if (videoId) item.video_id = videoId;
	const translateId = firstString(data, 'video_translate_id');
	if (translateId) item.video_translate_id = translateId;
	const url = firstString(data, 'url', 'video_url');
	if (url) item.url = url;
	if (isFailureEvent(eventType)) {
		// The failure text is `msg` on video events and `message` on translations.
		item.failure_message = firstString(data, 'msg', 'message', 'error') ?? null;
	}
	item.event_data = data;
	return item;
}

/**
 * A job as HeyGen's API reports it, in the fields of an event's item: what the trigger outputs for
 * a confirmed per-job callback and the HeyGen node for Get and Wait for Completion. Everything in
 * it comes from HeyGen's answer; `callbackId` (the callback's own) only fills a gap.
 */
export function simplifyJob(
	kind: JobKind,
	id: string,
	job: IDataObject,
	context: { source: 'callback' | 'api'; family?: string; callbackId?: string },
): IDataObject {
	const { idField, family } = JOBS[kind];
	const outcome = jobOutcome(job.status);
	const item: IDataObject = {
		source: context.source,
		event_type: outcome ? `${context.family ?? family}.${outcome}` : null,
		event_id: null,
		sent_at: null,
		// success / fail, as for events; HeyGen's own word while the job runs.
		status: outcome ?? (typeof job.status === 'string' ? job.status : null),
		// HeyGen's when it says (null included); the callback's only where HeyGen's answer has no such field.
		callback_id: 'callback_id' in job ? firstString(job, 'callback_id') ?? null : context.callbackId ?? null,
		[idField]: id,
	};
	const url = firstString(job, 'video_url', 'url');
	if (url) item.url = url;
	if (outcome === 'fail') item.failure_message = firstString(job, 'failure_message', 'message', 'msg') ?? null;
	item.event_data = job;
	return item;
}
