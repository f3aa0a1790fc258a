import type { IDataObject } from 'n8n-workflow';

import { parseDelivery, simplifyDelivery, type HeyGenDelivery } from '../shared/deliveryItem';
import { jobEventOf } from '../shared/jobApi';
import {
	DEFAULT_TOLERANCE_SECONDS,
	EVENT_ID_HEADER,
	PRE_V3_SIGNATURE_HEADER,
	parseTimestamp,
	readHeader,
	SIGNATURE_HEADER,
	TIMESTAMP_HEADER,
	verifySignature,
} from '../shared/signature';
import { deliveryKeys, outcomeKey, type ScopeRecord } from './replayRecord';
import type { SigningSecret } from './signingSecret';
import { accept, ignore, reject, retryLater, type TriggerAnswer } from './triggerAnswer';

/**
 * What the trigger answers to one signed delivery at its event URL: the README's table "What
 * happens to a delivery", checked in its order. Nothing after a failed check is looked at. No
 * I/O: `webhook()` gathers the inputs and applies the answer.
 */

export interface DeliveryOptions {
	/** The trigger's Events; empty = every event type. */
	events: string[];
	callbackId?: string;
	timestampTolerance?: number;
	ignoreDuplicates?: boolean;
	output?: 'simplified' | 'raw';
}

export interface DeliveryInput {
	/** False when the trigger listens to per-job callbacks only. */
	listening: boolean;
	headers: Record<string, string | string[] | undefined>;
	rawBody: Buffer;
	options: DeliveryOptions;
	/** Unix seconds. */
	now: number;
	secret: SigningSecret;
	/** This process's record for the trigger; updated here (see `decideDelivery`). */
	record: ScopeRecord;
	/** The record's copy in static data, folded into `record`. */
	persistedRecord: unknown;
}

function itemFor(
	delivery: HeyGenDelivery,
	options: DeliveryOptions,
	headers: { eventId?: string; timestamp?: string },
): IDataObject {
	if (options.output === 'raw') {
		// Never the signature: HeyGen signs only the body, so body and signature together would let
		// anyone who can read executions replay the delivery once the record has forgotten it.
		return {
			body: delivery as IDataObject,
			headers: {
				'heygen-event-id': headers.eventId ?? null,
				'heygen-timestamp': headers.timestamp ?? null,
			},
		};
	}
	return simplifyDelivery(delivery, {
		eventId: headers.eventId,
		timestamp: headers.timestamp === undefined ? undefined : parseTimestamp(headers.timestamp),
	});
}

/**
 * Decides one delivery. Pure but for `record`: it folds in the persisted copy and, for an
 * accepted delivery, holds its keys, in one synchronous step so that concurrent twins cannot
 * both be accepted. Everything that could fail on a hostile value runs before the hold.
 */
export function decideDelivery(input: DeliveryInput): TriggerAnswer {
	const { headers, rawBody, options, now, secret, record } = input;

	if (!input.listening) return reject(404, 'not_listening', 'This trigger listens to per-job callbacks only, at its callback URL');
	const signature = readHeader(headers, SIGNATURE_HEADER, PRE_V3_SIGNATURE_HEADER);
	if (signature === undefined) return reject(401, 'missing_signature', 'Missing Heygen-Signature header');
	// A 5xx makes HeyGen retry for 24 h; a 401 would drop a genuine event.
	if (secret.state === 'none') {
		return retryLater('not_ready', 'This trigger is still being activated: its signing secret is not stored yet');
	}
	if (secret.state === 'unopenable') {
		return retryLater('secret_unavailable', 'This trigger cannot verify deliveries until its workflow is activated again');
	}

	const timestamp = readHeader(headers, TIMESTAMP_HEADER);
	const eventId = readHeader(headers, EVENT_ID_HEADER);
	const check = verifySignature({
		rawBody,
		secret: secret.secret,
		signature,
		timestamp,
		toleranceSeconds: options.timestampTolerance ?? DEFAULT_TOLERANCE_SECONDS,
		nowSeconds: now,
	});
	if (!check.valid) return reject(401, check.reason, check.message);

	const delivery = parseDelivery(rawBody);
	if (!delivery) return reject(400, 'invalid_body', 'The body must be a JSON object with an event_type');

	// The copy in static data may lack keys another request overwrote: this process's copy puts
	// them back with every write (see replayRecord.ts).
	const stale = record.absorb(input.persistedRecord, now);
	const keys = keysOf(eventId, rawBody, delivery);
	if (options.ignoreDuplicates !== false) {
		const seen = recordVerdict(record, keys, now);
		if (seen) return seen === 'duplicate' ? ignore('duplicate', stale) : seen;
	}

	// HeyGen already filters by the registered events; this guards an endpoint edited elsewhere.
	const filtered = filterOut(options, delivery.event_type, delivery.event_data?.callback_id);
	if (filtered) return ignore(filtered, stale);

	const item = itemFor(delivery, options, { eventId, timestamp });
	return accept(item, record.hold(keys, now));
}

/**
 * A delivery's keys in the record. An event that ends a job has one: its outcome, which its
 * retries, its replays under a fresh event id and the job's callback all share. Any other has two:
 * its body and its event id.
 */
export function keysOf(eventId: string | undefined, rawBody: Buffer, delivery: HeyGenDelivery): string[] {
	const job = jobEventOf(delivery.event_type, delivery.event_data ?? {});
	return job ? [outcomeKey(job)] : deliveryKeys(eventId, rawBody);
}

/** The record's say on a delivery: nothing when it is new. */
export function recordVerdict(record: ScopeRecord, keys: string[], now: number): 'duplicate' | TriggerAnswer | undefined {
	const verdict = record.check(keys, now);
	if (verdict === 'duplicate') return verdict;
	// Not 200: if n8n then fails to create the first copy's execution, this copy's retry must run.
	if (verdict === 'in_flight') return retryLater('in_flight', 'A copy of this delivery is being recorded right now; retry later');
	return undefined;
}

/** The trigger's Events and Callback ID options, for an event or a confirmed callback. */
export function filterOut(options: DeliveryOptions, eventType: string, callbackId: unknown): 'event_type' | 'callback_id' | undefined {
	if (options.events.length > 0 && !options.events.includes(eventType)) return 'event_type';
	const wanted = options.callbackId?.trim();
	if (wanted && String(callbackId ?? '') !== wanted) return 'callback_id';
	return undefined;
}
