import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import type { Hold } from './replayRecord';

type WebhookResponse = ReturnType<IWebhookFunctions['getResponseObject']>;

/**
 * The answer for an accepted delivery, left to n8n so that HeyGen gets its 2xx only once n8n has
 * recorded the execution: with `responseMode: 'onReceived'` n8n 2.x first creates the execution,
 * then reads `webhookResponse`, then saves static data, then answers.
 *
 * Reading the answer is therefore n8n's word that the execution exists: it confirms the
 * delivery's hold and writes the record, after n8n's reset of the static-data "changed" flag
 * (creating the execution wraps static data again) and before its save. If n8n answers without
 * reading it, creating the execution failed and HeyGen got a 5xx: the hold is released, so that
 * HeyGen's retry runs. n8n 1.x reads the answer before it creates the execution, and answers 2xx
 * while it does: a failure that is quicker than the 2xx becomes a 5xx, and releases the delivery
 * too; one after the 2xx is lost, as with n8n's own Webhook node.
 */
export function answerOnceRecorded(
	response: WebhookResponse,
	result: IWebhookResponseData,
	answer: IDataObject,
	hold: Hold,
	saveRecord: () => void,
): IWebhookResponseData {
	let confirmed = false;
	// n8n answered without reading ours (2.x: creating the execution failed), or answered 5xx after
	// reading it (1.x: a failure that beat the 2xx): no execution, so HeyGen's retry must run. A
	// sender that hung up before any answer leaves the hold to n8n's confirmation, or to its lapse
	// (replayRecord.ts, HOLD_SECONDS).
	response.once('close', () => {
		if (response.writableFinished && (!confirmed || response.statusCode >= 500)) hold.release();
	});
	return Object.defineProperty(result, 'webhookResponse', {
		enumerable: true,
		get: () => {
			confirmed = true;
			hold.confirm();
			saveRecord();
			return answer;
		},
	});
}
