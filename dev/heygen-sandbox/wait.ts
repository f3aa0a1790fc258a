// Waiting for the sandbox to reach a state: checked now and after every change an emitter
// announces, so tests wait for what they need instead of sleeping.
import type { EventEmitter } from 'node:events';

/**
 * Resolves with `probe()`'s first value other than undefined, checked now and on every `event`.
 * Rejects if `probe` throws, or after `timeoutMs` with the message `timedOut()` gives.
 */
export function waitUntil<T>(
	emitter: EventEmitter,
	event: string,
	probe: () => T | undefined,
	timeoutMs: number,
	timedOut: () => string,
): Promise<T> {
	return new Promise((resolve, reject) => {
		const check = (): void => {
			let value: T | undefined;
			try {
				value = probe();
			} catch (err) {
				cleanup();
				reject(err);
				return;
			}
			if (value === undefined) return;
			cleanup();
			resolve(value);
		};
		const timer = setTimeout(() => {
			cleanup();
			reject(new Error(timedOut()));
		}, timeoutMs);
		const cleanup = (): void => {
			clearTimeout(timer);
			emitter.off(event, check);
		};
		emitter.on(event, check);
		check();
	});
}
