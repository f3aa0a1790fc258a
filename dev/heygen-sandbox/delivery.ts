// Webhook delivery: signs and POSTs each event to each matching endpoint, and POSTs it unsigned to
// a job's own callback_url, retrying both on non-2xx, connection errors and timeouts along the
// retry schedule, and logs every attempt.
import { createHmac } from 'node:crypto';
import { EventEmitter, setMaxListeners } from 'node:events';
import { newDeliveryId } from './ids';
import { sendRequest, USER_AGENT } from './outbound';
import type { DeliveryAttempt, DeliveryPredicate, StoredEndpoint, StoredEvent } from './types';
import { waitUntil } from './wait';

/** HeyGen retries with exponential backoff for up to 24 hours; this schedule sums to ~23.9 h. */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [
	10_000, 30_000, 60_000, 300_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000, 28_800_000,
];

/** Hex HMAC-SHA256 of the exact body bytes, keyed with the `whsec_…` string as-is. */
function unboundedAbortController(): AbortController {
	const controller = new AbortController();
	setMaxListeners(0, controller.signal);
	return controller;
}

export function signBody(secret: string, body: string): string {
	return createHmac('sha256', Buffer.from(secret, 'utf8')).update(Buffer.from(body, 'utf8')).digest('hex');
}

/** Where one delivery goes: a registered endpoint (looked up on every attempt) or a fixed callback URL. */
type Target =
	| { kind: 'endpoint'; endpointId: string; jobId: string | null }
	| { kind: 'callback'; url: string; jobId: string };

interface Pending {
	deliveryId: string;
	account: string;
	target: Target;
	event: StoredEvent;
	body: string;
	attempt: number;
	generation: number;
}

export interface DeliveryEngineOptions {
	retryScheduleMs: readonly number[];
	deliveryTimeoutMs: number;
	log: (line: string) => void;
	/** Current state of an endpoint: retries use its current URL/secret and stop if it is gone or disabled. */
	lookup: (account: string, endpointId: string) => StoredEndpoint | undefined;
}

export class DeliveryEngine {
	private readonly log: DeliveryAttempt[] = [];
	private readonly emitter = new EventEmitter();
	private readonly timers = new Set<NodeJS.Timeout>();
	// One signal for every in-flight delivery: many run at once, so lift Node's listener warning.
	private abort = unboundedAbortController();
	/** Bumped by cancelAll(): in-flight work from an older generation is dropped silently. */
	private generation = 0;
	private stopped = false;

	constructor(private readonly options: DeliveryEngineOptions) {
		this.emitter.setMaxListeners(0);
	}

	/** Delivers `event` to a registered endpoint; `jobId` names the job whose end fired it. */
	deliver(account: string, event: StoredEvent, endpointId: string, jobId: string | null = null): void {
		this.begin(account, event, { kind: 'endpoint', endpointId, jobId });
	}

	/** Delivers `event` to a job's `callback_url`, query string and all, unsigned. */
	deliverCallback(account: string, event: StoredEvent, url: string, jobId: string): void {
		this.begin(account, event, { kind: 'callback', url, jobId });
	}

	private begin(account: string, event: StoredEvent, target: Target): void {
		if (this.stopped) return;
		void this.attempt({
			deliveryId: newDeliveryId(),
			account,
			target,
			event,
			// The same bytes on every attempt and to every target: the body is what gets signed.
			body: JSON.stringify({ event_type: event.event_type, event_data: event.event_data }),
			attempt: 1,
			generation: this.generation,
		});
	}

	attempts(): DeliveryAttempt[] {
		return this.log.map((a) => ({ ...a }));
	}

	/** Puts back the attempts of an earlier run (a state file); pending retries are not resumed. */
	restore(attempts: DeliveryAttempt[]): void {
		// Files written before callbacks existed hold endpoint attempts without kind and job_id.
		const before = { kind: 'endpoint', job_id: null };
		this.log.push(...attempts.map((a) => ({ ...before, ...a })));
	}

	/** Calls `listener` after every attempt. */
	onAttempt(listener: () => void): void {
		this.emitter.on('attempt', listener);
	}

	waitFor(predicate: DeliveryPredicate, timeoutMs = 5000): Promise<DeliveryAttempt[]> {
		const met = (): DeliveryAttempt[] | undefined => {
			const snapshot = this.attempts();
			return predicate(snapshot) ? snapshot : undefined;
		};
		return waitUntil(this.emitter, 'attempt', met, timeoutMs, () => {
			const seen = this.log.map((a) => `${a.event_id}->${a.endpoint_id}#${a.attempt}:${a.status ?? a.error}`).join(', ');
			return `waitForDeliveries timed out after ${timeoutMs} ms; attempts seen: [${seen}]`;
		});
	}

	/** Drops pending retries and in-flight requests (reset / stop). */
	cancelAll(): void {
		this.generation += 1;
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		this.abort.abort();
		this.abort = unboundedAbortController();
	}

	clear(): void {
		this.cancelAll();
		this.log.length = 0;
	}

	stop(): void {
		this.stopped = true;
		this.cancelAll();
	}

	/** URL and headers of the next attempt, or null when the endpoint is gone or disabled. */
	private request(job: Pending): { url: string; headers: Record<string, string> } | null {
		const headers: Record<string, string> = {
			'Content-Type': 'application/json',
			'Content-Length': String(Buffer.byteLength(job.body)),
			'User-Agent': USER_AGENT,
		};
		const { target } = job;
		// Callbacks carry no HeyGen header at all: HeyGen signs only endpoint deliveries and does not
		// document event id or timestamp headers on callbacks, so a client must not count on them.
		if (target.kind === 'callback') return { url: target.url, headers };
		const endpoint = this.options.lookup(job.account, target.endpointId);
		if (!endpoint || endpoint.status !== 'enabled') return null;
		return {
			url: endpoint.url,
			headers: {
				...headers,
				// Signed with the endpoint's CURRENT secret: a rotation takes effect on the next attempt.
				'Heygen-Signature': signBody(endpoint.secret, job.body),
				'Heygen-Timestamp': String(Math.floor(Date.now() / 1000)),
				'Heygen-Event-Id': job.event.event_id,
			},
		};
	}

	private async attempt(job: Pending): Promise<void> {
		if (job.generation !== this.generation || this.stopped) return;
		const { target } = job;
		const to = target.kind === 'endpoint' ? target.endpointId : `callback ${target.url}`;
		const request = this.request(job);
		if (!request) {
			this.options.log(`delivery ${job.event.event_id} -> ${to} dropped: endpoint deleted or disabled`);
			return;
		}
		const { url, headers } = request;
		const sentAt = new Date().toISOString();
		const result = await sendRequest({
			url: new URL(url),
			method: 'POST',
			headers,
			body: job.body,
			timeoutMs: this.options.deliveryTimeoutMs,
			signal: this.abort.signal,
		});
		if (job.generation !== this.generation || this.stopped) return;

		const ok = result.status !== null && result.status >= 200 && result.status < 300;
		const delay = ok ? null : (this.options.retryScheduleMs[job.attempt - 1] ?? null);
		const base = {
			delivery_id: job.deliveryId,
			event_id: job.event.event_id,
			event_type: job.event.event_type,
			account: job.account,
			url,
			attempt: job.attempt,
			status: result.status,
			error: result.error,
			response_body: result.body,
			request_headers: headers,
			request_body: job.body,
			sent_at: sentAt,
			duration_ms: result.durationMs,
			ok,
			next_retry_in_ms: delay,
			final: delay === null,
		};
		const record: DeliveryAttempt =
			target.kind === 'endpoint'
				? { kind: 'endpoint', endpoint_id: target.endpointId, job_id: target.jobId, ...base }
				: { kind: 'callback', endpoint_id: 'callback', job_id: target.jobId, ...base };
		this.log.push(record);
		const outcome = result.status !== null ? `HTTP ${result.status}` : (result.error ?? 'error');
		const next = ok ? '' : delay === null ? ', giving up' : `, retry in ${delay} ms`;
		this.options.log(
			`delivery ${job.event.event_id} (${job.event.event_type}) -> ${to} attempt ${job.attempt}: ${outcome} in ${result.durationMs} ms${next}`,
		);
		this.emitter.emit('attempt');

		if (delay !== null) {
			const timer = setTimeout(() => {
				this.timers.delete(timer);
				void this.attempt({ ...job, attempt: job.attempt + 1 });
			}, delay);
			timer.unref();
			this.timers.add(timer);
		}
	}
}
