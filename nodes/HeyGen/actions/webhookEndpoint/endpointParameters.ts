import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

/** Readers for the URL and events that Create and Update send to HeyGen. */

/** A multi-select may arrive as an array, or (from an expression or an AI tool) as "a, b" text. */
export function readEventList(value: unknown): string[] {
	const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
	return list.map((event) => String(event).trim()).filter((event) => event !== '');
}

export function readUrl(this: IExecuteFunctions, value: unknown, itemIndex: number): string {
	const url = String(value ?? '').trim();
	if (!url) {
		throw new NodeOperationError(this.getNode(), 'Enter the URL HeyGen should send events to', {
			itemIndex,
		});
	}
	return url;
}
