/** The request record, exposed at /__emulator/requests for tests on the same machine. */

export interface RequestRecord {
	seq: number;
	time: number;
	method: string;
	path: string;
	query: Record< string, string | string[] >;
	headers: Record< string, string | string[] >;
	/** The app id (UUID) behind the API key, or null. */
	app: string | null;
	/** The API key's app name (`app-emulator`, ...), or null. */
	appKey: string | null;
	/** The resolved `user` (`DEFAULT-USER` when optional and omitted), or null. */
	user: string | null;
	/** Parsed JSON body; multipart summary; raw text for anything else; null when empty. */
	body: unknown;
	/** Response status once known. */
	status: number | null;
}

export interface StopRecord {
	seq: number;
	time: number;
	endpoint: 'chat' | 'completion' | 'workflow';
	appKey: string;
	taskId: string;
	user: string;
	/** The task exists (any app). */
	known: boolean;
	/** The stop came from the user that started the task. */
	owner: boolean;
	/** The stop was applied (owner match for chat/completion; any user for workflow). */
	effective: boolean;
}

export interface RecordFilter {
	since?: number;
	path?: string;
}

export class Recorder {
	private items: RequestRecord[] = [];
	private seq = 0;
	readonly stops: StopRecord[] = [];

	constructor( private readonly max: number ) {}

	add( partial: Omit< RequestRecord, 'seq' | 'time' > ): RequestRecord {
		this.seq += 1;
		const rec: RequestRecord = {
			seq: this.seq,
			time: Date.now(),
			...partial,
		};
		this.items.push( rec );
		if ( this.items.length > this.max ) {
			this.items.splice( 0, this.items.length - this.max );
		}
		return rec;
	}

	list( filter: RecordFilter = {} ): RequestRecord[] {
		return this.items.filter(
			( r ) =>
				( filter.since === undefined || r.seq > filter.since ) &&
				( filter.path === undefined || r.path.includes( filter.path ) )
		);
	}

	clear(): void {
		this.items = [];
		this.stops.length = 0;
	}

	lastSeq(): number {
		return this.seq;
	}
}

export function isLoopback( address: string | undefined ): boolean {
	if ( ! address ) {
		return false;
	}
	const a = address.toLowerCase();
	if ( a === '::1' ) {
		return true;
	}
	const v4 = a.startsWith( '::ffff:' ) ? a.slice( 7 ) : a;
	return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test( v4 );
}
