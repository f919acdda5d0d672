/**
 * Output sinks for a generation run: the SSE writer (dify-api.md §8.1 framing,
 * keep-alive pings, back-pressure) and the blocking collector. Both pace the
 * events with the per-event delay and turn a stop request into StopSignal.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { difyHeaders, sleep, type EmulatorState } from './context';
import { sseJson } from './json';
import type { Task } from './store';

/** The task owner asked to stop. */
export class StopSignal extends Error {}
/** The client went away (or the server is closing). */
export class GoneSignal extends Error {}

export interface Sink {
	readonly streaming: boolean;
	/** A cut connection leaves the run going (a worker-executed workflow run). */
	readonly survivesDrop: boolean;
	/** Wait the per-event delay, honour stop, then write one data event. */
	send: ( payload: Record< string, unknown > ) => Promise< void >;
	/** Wait the per-event delay, then write (ignores stop: used for terminal tails). */
	sendTail: ( payload: Record< string, unknown > ) => Promise< void >;
	/** Write raw bytes (malformed-frame fault); no-op when blocking. */
	raw: ( text: string ) => Promise< void >;
	/** Only keep-alive pings for `ms`, one every `intervalMs`; honours stop at the end. */
	pingPhase: ( ms: number, intervalMs: number ) => Promise< void >;
	/** Cut the connection without a terminal event. */
	drop: () => void;
	/** Normal end of the response body (SSE: close the stream). */
	end: () => void;
}

abstract class BaseSink {
	protected gone = false;
	protected readonly wakers = new Set< () => void >();

	constructor(
		protected readonly state: EmulatorState,
		protected readonly res: ServerResponse,
		protected readonly task: Task,
		protected readonly delayMs: number
	) {
		res.on( 'close', () => {
			if ( ! res.writableFinished ) {
				this.gone = true;
			}
			this.wakeAll();
		} );
	}

	protected wakeAll(): void {
		for ( const w of [ ...this.wakers ] ) {
			w();
		}
	}

	protected async pace( ms: number, honourStop: boolean ): Promise< void > {
		if ( honourStop ) {
			this.check( true );
		}
		const waiters = new Set< () => void >();
		// Wake on stop, on disconnect and on server close.
		const wake = (): void => {
			for ( const w of [ ...waiters ] ) {
				w();
			}
		};
		if ( honourStop ) {
			this.task.waiters.add( wake );
		}
		this.wakers.add( wake );
		try {
			await sleep( this.state, ms, waiters );
		} finally {
			this.task.waiters.delete( wake );
			this.wakers.delete( wake );
		}
		this.check( honourStop );
	}

	protected check( honourStop: boolean ): void {
		if ( this.gone || this.res.destroyed || this.state.closing ) {
			throw new GoneSignal();
		}
		if ( honourStop && this.task.stopRequested ) {
			throw new StopSignal();
		}
	}
}

export class SseSink extends BaseSink implements Sink {
	readonly streaming = true;
	readonly survivesDrop = false;
	private pingTimer: NodeJS.Timeout | null = null;
	private counted = false;

	constructor(
		state: EmulatorState,
		private readonly req: IncomingMessage,
		res: ServerResponse,
		task: Task,
		delayMs: number,
		private readonly pingMs: number
	) {
		super( state, res, task, delayMs );
		res.on( 'close', () => this.release() );
	}

	/** 200 + headers right away, like Dify once validation passed. */
	start(): void {
		this.res.writeHead( 200, {
			...difyHeaders( this.req, this.state ),
			'Content-Type': 'text/event-stream; charset=utf-8',
		} );
		this.res.flushHeaders();
		this.state.stats.activeStreams += 1;
		this.state.stats.totalStreams += 1;
		this.counted = true;
		this.startPings( this.pingMs );
	}

	private release(): void {
		this.stopPings();
		if ( this.counted ) {
			this.counted = false;
			this.state.stats.activeStreams -= 1;
		}
	}

	private startPings( ms: number ): void {
		this.stopPings();
		this.pingTimer = setInterval( () => {
			if ( ! this.res.destroyed && ! this.res.writableEnded ) {
				this.res.write( 'event: ping\n\n' );
			}
		}, ms );
	}

	private stopPings(): void {
		if ( this.pingTimer ) {
			clearInterval( this.pingTimer );
			this.pingTimer = null;
		}
	}

	private async write( text: string ): Promise< void > {
		this.check( false );
		if ( this.res.write( text ) ) {
			return;
		}
		await new Promise< void >( ( resolve ) => {
			const done = (): void => {
				this.res.off( 'drain', done );
				this.res.off( 'close', done );
				resolve();
			};
			this.res.on( 'drain', done );
			this.res.on( 'close', done );
		} );
		this.check( false );
	}

	async send( payload: Record< string, unknown > ): Promise< void > {
		await this.pace( this.delayMs, true );
		this.noteEmit();
		await this.write( `data: ${ sseJson( payload ) }\n\n` );
	}

	async sendTail( payload: Record< string, unknown > ): Promise< void > {
		await this.pace( Math.min( this.delayMs, 50 ), false );
		this.noteEmit();
		await this.write( `data: ${ sseJson( payload ) }\n\n` );
	}

	/** Remembers when this data event left, for GET /__emulator/emits (the benchmark). */
	private noteEmit(): void {
		const emits = this.state.emits;
		let times = emits.get( this.task.id );
		if ( ! times ) {
			times = [];
			emits.set( this.task.id, times );
			if ( emits.size > 500 ) {
				const oldest = emits.keys().next().value;
				if ( oldest !== undefined ) {
					emits.delete( oldest );
				}
			}
		}
		times.push( performance.timeOrigin + performance.now() );
	}

	async raw( text: string ): Promise< void > {
		await this.pace( this.delayMs, true );
		await this.write( text );
	}

	async pingPhase( ms: number, intervalMs: number ): Promise< void > {
		this.startPings( intervalMs );
		try {
			const until = Date.now() + ms;
			while ( Date.now() < until ) {
				await this.pace( Math.min( until - Date.now(), 1000 ), true );
			}
		} finally {
			if ( ! this.res.destroyed ) {
				this.startPings( this.pingMs );
			}
		}
	}

	drop(): void {
		this.release();
		this.res.socket?.destroy();
		this.res.destroy();
	}

	end(): void {
		this.release();
		if ( ! this.res.writableEnded ) {
			this.res.end();
		}
	}
}

export class BlockingSink extends BaseSink implements Sink {
	readonly streaming = false;
	readonly survivesDrop = false;

	async send(): Promise< void > {
		await this.pace( this.delayMs, true );
	}

	async sendTail(): Promise< void > {
		this.check( false );
	}

	async raw(): Promise< void > {
		this.check( true );
	}

	async pingPhase( ms: number ): Promise< void > {
		const until = Date.now() + ms;
		while ( Date.now() < until ) {
			await this.pace( Math.min( until - Date.now(), 1000 ), true );
		}
	}

	drop(): void {
		this.res.socket?.destroy();
		this.res.destroy();
	}

	end(): void {
		// The handler writes the blocking body itself.
	}
}
