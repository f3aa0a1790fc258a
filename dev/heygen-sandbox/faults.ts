// Fault injection: the next N matching API calls fail before any work is done, so clients'
// retry / error paths can be exercised deterministically.
import { newFaultId } from './ids';
import type { FaultInfo, FaultMode, FaultSpec } from './types';

const MODES: readonly FaultMode[] = ['status', 'hang', 'reset'];

export function normalizeFault(spec: FaultSpec): FaultInfo {
	if (typeof spec.path !== 'string' || !spec.path.startsWith('/')) {
		throw new Error('fault path must be a string starting with "/" (a prefix may end in "*")');
	}
	const mode = spec.mode ?? 'status';
	if (!MODES.includes(mode)) throw new Error(`fault mode must be one of ${MODES.join(', ')}`);
	const status = mode === 'status' ? (spec.status ?? 500) : null;
	if (status !== null && (!Number.isInteger(status) || status < 400 || status > 599)) {
		throw new Error('fault status must be an integer between 400 and 599');
	}
	const count = spec.count ?? 1;
	if (!Number.isInteger(count) || count < 1) throw new Error('fault count must be a positive integer');
	if (spec.retryAfter !== undefined && (typeof spec.retryAfter !== 'number' || spec.retryAfter < 0)) {
		throw new Error('fault retryAfter must be a non-negative number of seconds');
	}
	return {
		fault_id: newFaultId(),
		method: (spec.method ?? '*').toUpperCase(),
		path: spec.path,
		mode,
		status,
		remaining: count,
		retry_after: spec.retryAfter ?? (status === 429 ? 1 : null),
		body: spec.body ?? null,
	};
}

function pathMatches(pattern: string, path: string): boolean {
	return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : pattern === path;
}

export class FaultInjector {
	private faults: FaultInfo[] = [];

	add(spec: FaultSpec): FaultInfo {
		const fault = normalizeFault(spec);
		this.faults.push(fault);
		return { ...fault };
	}

	/** Consumes one use of the first matching fault. */
	take(method: string, path: string): FaultInfo | undefined {
		const fault = this.faults.find(
			(f) => (f.method === '*' || f.method === method.toUpperCase()) && pathMatches(f.path, path),
		);
		if (!fault) return undefined;
		fault.remaining -= 1;
		if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
		return { ...fault };
	}

	list(): FaultInfo[] {
		return this.faults.map((f) => ({ ...f }));
	}

	clear(): void {
		this.faults = [];
	}
}
