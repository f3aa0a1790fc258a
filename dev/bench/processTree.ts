import * as fs from 'fs';

/**
 * A process and its descendants (n8n's main process and its task runner), read from /proc:
 * resident memory, CPU time, and a sampler for the peak of the tree's resident memory.
 */

const TICKS_PER_SECOND = 100; // Linux's USER_HZ

/** The fields of /proc/<pid>/stat after the command name: [0] is the state, [1] the parent, [11] utime, [12] stime. */
function statFields(pid: number): string[] | undefined {
	try {
		return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()?.split(' ');
	} catch {
		return undefined; // gone meanwhile
	}
}

/** `root` and every process below it. */
export function processTree(root: number): number[] {
	const children = new Map<number, number[]>();
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const parent = Number(statFields(Number(entry))?.[1]);
		if (parent) children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
	}
	const tree = [root];
	for (let at = 0; at < tree.length; at++) tree.push(...(children.get(tree[at]) ?? []));
	return tree;
}

function rssBytes(pid: number): number {
	try {
		const line = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
		return line ? Number(line[1]) * 1024 : 0;
	} catch {
		return 0;
	}
}

export function treeRssBytes(root: number): number {
	return processTree(root).reduce((sum, pid) => sum + rssBytes(pid), 0);
}

/** utime + stime of the tree's live processes, in seconds. */
export function treeCpuSeconds(root: number): number {
	return processTree(root).reduce((sum, pid) => {
		const fields = statFields(pid);
		return sum + (fields ? (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND : 0);
	}, 0);
}

/** Samples the tree's resident memory every `intervalMs` until stopped; stop() returns the peak in bytes. */
export class PeakRss {
	private peak = 0;
	private readonly timer: NodeJS.Timeout;

	constructor(
		private readonly root: number,
		intervalMs = 200,
	) {
		this.sample();
		this.timer = setInterval(() => this.sample(), intervalMs);
	}

	stop(): number {
		clearInterval(this.timer);
		this.sample();
		return this.peak;
	}

	private sample(): void {
		this.peak = Math.max(this.peak, treeRssBytes(this.root));
	}
}

/**
 * CPU seconds of every thread in the tree, summed by thread name (`comm`, digits dropped):
 * n8n's JavaScript thread, libuv's pool (SQLite queries, crypto), V8's helpers (GC), isolated-vm.
 * The root's JavaScript thread (tid = pid) is reported as "main thread".
 */
export function threadCpuSeconds(root: number): Map<string, number> {
	const byName = new Map<string, number>();
	for (const pid of processTree(root)) {
		let tids: string[] = [];
		try {
			tids = fs.readdirSync(`/proc/${pid}/task`);
		} catch {
			continue;
		}
		for (const tid of tids) {
			let stat = '';
			try {
				stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
			} catch {
				continue;
			}
			const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/\d+/g, '').trim();
			const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
			const name = `${pid === root ? 'n8n' : 'child'}: ${Number(tid) === root ? 'main thread' : comm}`;
			byName.set(name, (byName.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND);
		}
	}
	return byName;
}
