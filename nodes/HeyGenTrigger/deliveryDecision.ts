import type { IDataObject } from 'n8n-workflow';

import { parseDelivery, simplifyDelivery, type HeyGenDelivery } from '../shared/deliveryItem';
import {
	DEFAULT_TOLERANCE_SECONDS,
	EVENT_ID_HEADER,
	LEGACY_SIGNATURE_HEADER,
	parseTimestamp,
	readHeader,
	SIGNATURE_HEADER,
	TIMESTAMP_HEADER,
	verifySignature,
} from '../shared/signature';
import { deliveryKeys, type Hold, type ScopeRecord } from './replayRecord';
import type { SigningSecret } from './signingSecret';

/**
 * What the trigger answers to one delivery: the README's table "What happens to a delivery",
 * checked in its order. Nothing after a failed check is looked at. No I/O: `webhook()` gathers
 * the inputs and applies the answer.
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

export type IgnoredReason = 'duplicate' | 'event_type' | 'callback_id';

/** Seconds a 503 asks HeyGen to wait before its retry. */
export const RETRY_AFTER_SECONDS = 30;

export type DeliveryDecision =
	/**
	 * Answered with this status and body; no execution. `verified`: the signature held. A 503
	 * carries `retryAfter`: the delivery is fine and HeyGen's retry will get through.
	 */
	| {
			outcome: 'rejected';
			status: 400 | 401 | 503;
			body: { error: string; message: string };
			verified: boolean;
			retryAfter?: number;
	  }
	/** 200 without an execution. `saveRecord`: static data lacks keys this process knows. */
	| {
			outcome: 'ignored';
			status: 200;
			body: { received: true; ignored: IgnoredReason };
			verified: true;
			saveRecord: boolean;
	  }
	/**
	 * One execution of `item`, answered 200 once n8n has recorded it. Its keys are held: confirm
	 * the hold when n8n has the execution (then save the record), release it if n8n fails.
	 */
	| {
			outcome: 'accepted';
			status: 200;
			body: { received: true };
			verified: true;
			item: IDataObject;
			hold: Hold;
	  };

function reject(status: 400 | 401, error: string, message: string, verified = false): DeliveryDecision {
	return { outcome: 'rejected', status, body: { error, message }, verified };
}

function retryLater(error: string, message: string, verified = false): DeliveryDecision {
	return { outcome: 'rejected', status: 503, body: { error, message }, verified, retryAfter: RETRY_AFTER_SECONDS };
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
export function decideDelivery(input: DeliveryInput): DeliveryDecision {
	const { headers, rawBody, options, now, secret, record } = input;

	const signature = readHeader(headers, SIGNATURE_HEADER, LEGACY_SIGNATURE_HEADER);
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
	if (!delivery) return reject(400, 'invalid_body', 'The body must be a JSON object with an event_type', true);

	// The copy in static data may lack keys another request overwrote: this process's copy puts
	// them back with every write (see replayRecord.ts).
	const stale = record.absorb(input.persistedRecord, now);
	const ignore = (ignored: IgnoredReason): DeliveryDecision => ({
		outcome: 'ignored',
		status: 200,
		body: { received: true, ignored },
		verified: true,
		saveRecord: stale,
	});
	const keys = deliveryKeys(eventId, rawBody);
	if (options.ignoreDuplicates !== false) {
		const verdict = record.check(keys, now);
		if (verdict === 'duplicate') return ignore('duplicate');
		// Not 200: if n8n then fails to create the first copy's execution, this copy's retry must run.
		if (verdict === 'in_flight') {
			return retryLater('in_flight', 'A copy of this delivery is being recorded right now; retry later', true);
		}
	}

	// HeyGen already filters by the registered events; this guards an endpoint edited elsewhere.
	if (options.events.length > 0 && !options.events.includes(delivery.event_type)) return ignore('event_type');
	const callbackId = options.callbackId?.trim();
	if (callbackId && String(delivery.event_data?.callback_id ?? '') !== callbackId) return ignore('callback_id');

	const item = itemFor(delivery, options, { eventId, timestamp });
	return {
		outcome: 'accepted',
		status: 200,
		body: { received: true },
		verified: true,
		item,
		hold: record.hold(keys, now),
	};
}
