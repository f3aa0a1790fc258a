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
import { deliveryKeys, type ScopeRecord } from './replayRecord';
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

export type DeliveryDecision =
	/** Answered with this status and body; no execution. `verified`: the signature held. */
	| {
			outcome: 'rejected';
			status: 400 | 401 | 503;
			body: { error: string; message: string };
			verified: boolean;
	  }
	/** 200 without an execution. `saveRecord`: static data lacks keys this process knows. */
	| {
			outcome: 'ignored';
			status: 200;
			body: { received: true; ignored: IgnoredReason };
			verified: true;
			saveRecord: boolean;
	  }
	/** One execution of `item`, answered 200 once recorded; its keys are claimed and must be saved. */
	| {
			outcome: 'accepted';
			status: 200;
			body: { received: true };
			verified: true;
			saveRecord: true;
			item: IDataObject;
	  };

function reject(
	status: 400 | 401 | 503,
	error: string,
	message: string,
	verified = false,
): DeliveryDecision {
	return { outcome: 'rejected', status, body: { error, message }, verified };
}

function itemFor(
	delivery: HeyGenDelivery,
	options: DeliveryOptions,
	headers: { eventId?: string; timestamp?: string; signature?: string },
): IDataObject {
	if (options.output === 'raw') {
		return {
			body: delivery as IDataObject,
			headers: {
				'heygen-event-id': headers.eventId ?? null,
				'heygen-timestamp': headers.timestamp ?? null,
				'heygen-signature': headers.signature ?? null,
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
 * accepted delivery, claims its keys, in one synchronous step so that concurrent twins cannot
 * both be accepted.
 */
export function decideDelivery(input: DeliveryInput): DeliveryDecision {
	const { headers, rawBody, options, now, secret, record } = input;

	// A 5xx makes HeyGen retry for 24 h, time to re-activate; a 401 would drop the events.
	if (secret.state === 'unopenable') {
		return reject(503, 'secret_unavailable', 'This trigger cannot verify deliveries until its workflow is activated again');
	}

	const signature = readHeader(headers, SIGNATURE_HEADER, LEGACY_SIGNATURE_HEADER);
	const timestamp = readHeader(headers, TIMESTAMP_HEADER);
	const eventId = readHeader(headers, EVENT_ID_HEADER);
	const check = verifySignature({
		rawBody,
		secret: secret.state === 'open' ? secret.secret : undefined,
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
	if (options.ignoreDuplicates !== false && record.isDuplicate(keys)) return ignore('duplicate');

	// HeyGen already filters by the registered events; this guards an endpoint edited elsewhere.
	if (options.events.length > 0 && !options.events.includes(delivery.event_type)) return ignore('event_type');
	const callbackId = options.callbackId?.trim();
	if (callbackId && String(delivery.event_data?.callback_id ?? '') !== callbackId) return ignore('callback_id');

	record.claim(keys, now);
	return {
		outcome: 'accepted',
		status: 200,
		body: { received: true },
		verified: true,
		saveRecord: true,
		item: itemFor(delivery, options, { eventId, timestamp, signature }),
	};
}
