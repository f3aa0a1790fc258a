import type { IDataObject, IWebhookResponseData } from 'n8n-workflow';

/**
 * The answer for an accepted delivery, left to n8n so that HeyGen gets its 2xx only once n8n has
 * recorded the execution: with `responseMode: 'onReceived'` n8n 2.x first creates the execution,
 * then reads `webhookResponse`, then saves static data, then answers.
 *
 * Creating the execution wraps the workflow's static data again, which clears n8n's "changed"
 * flag, so the replay record written in webhook() would not be saved. `markRecordChanged` runs
 * when n8n reads the answer, after that reset and before the save, and writes the record again
 * so that it is saved before the 2xx goes out. (n8n 1.x reads the answer before creating the
 * execution, and saves the record then.)
 */
export function answerOnceRecorded(
	result: IWebhookResponseData,
	answer: IDataObject,
	markRecordChanged: () => void,
): IWebhookResponseData {
	return Object.defineProperty(result, 'webhookResponse', {
		enumerable: true,
		get: () => {
			markRecordChanged();
			return answer;
		},
	});
}
