import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { answerOnceRecorded } from './answerOnceRecorded';
import type { Hold, PersistedRecord, ScopeRecord } from './replayRecord';

/**
 * What the trigger answers to one request, signed event or per-job callback: the README's tables
 * "What happens to a delivery" and "What happens to a callback". Built by the pure deciders
 * (deliveryDecision.ts, callbackDecision.ts); `webhook()` applies it (`applyAnswer`).
 */

export type IgnoredReason = 'duplicate' | 'event_type' | 'callback_id';

/** Seconds a 503 asks the sender to wait before its retry. */
export const RETRY_AFTER_SECONDS = 30;

export type TriggerAnswer =
	/**
	 * Answered with this status and body; no execution. A 503 carries `retryAfter`: nothing is
	 * wrong with the request, and HeyGen's retry will get through.
	 */
	| {
			outcome: 'rejected';
			status: 400 | 401 | 404 | 422 | 503;
			body: { error: string; message: string };
			retryAfter?: number;
	  }
	/** 200 without an execution. `saveRecord`: static data lacks keys this process knows. */
	| {
			outcome: 'ignored';
			status: 200;
			body: { received: true; ignored: IgnoredReason };
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
			item: IDataObject;
			hold: Hold;
	  };

export function reject(status: 400 | 401 | 404 | 422, error: string, message: string): TriggerAnswer {
	return { outcome: 'rejected', status, body: { error, message } };
}

export function retryLater(error: string, message: string): TriggerAnswer {
	return { outcome: 'rejected', status: 503, body: { error, message }, retryAfter: RETRY_AFTER_SECONDS };
}

export function ignore(ignored: IgnoredReason, saveRecord: boolean): TriggerAnswer {
	return { outcome: 'ignored', status: 200, body: { received: true, ignored }, saveRecord };
}

export function accept(item: IDataObject, hold: Hold): TriggerAnswer {
	return { outcome: 'accepted', status: 200, body: { received: true }, item, hold };
}

/**
 * Applies a decision in webhook(): the sender's answer, the record's write to static data, and for
 * an accepted one its execution (answered once n8n has recorded it).
 */
export function applyAnswer(
	this: IWebhookFunctions,
	decision: TriggerAnswer,
	staticData: { replay?: PersistedRecord },
	record: ScopeRecord,
): IWebhookResponseData {
	if (decision.outcome === 'rejected') {
		const res = this.getResponseObject();
		if (decision.retryAfter !== undefined) res.setHeader('Retry-After', String(decision.retryAfter));
		res.status(decision.status).json(decision.body);
		return { noWebhookResponse: true };
	}
	const saveRecord = () => {
		staticData.replay = record.toPersisted();
	};
	if (decision.outcome === 'ignored') {
		if (decision.saveRecord) saveRecord();
		return { webhookResponse: decision.body };
	}
	return answerOnceRecorded(
		this.getResponseObject(),
		{ workflowData: [[{ json: decision.item }]] },
		decision.body,
		decision.hold,
		saveRecord,
	);
}
