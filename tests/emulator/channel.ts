/**
 * Workflow-based runs (chatflow, workflow) as Dify 1.13+ executes them: in a
 * worker that publishes its events to a per-run channel. HTTP streams — the
 * request that started the run and any GET /workflow/{id}/events — are
 * subscribers, so a run survives its client, can be re-attached, pauses at a
 * Human Input node and resumes later into whoever listens then.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { difyHeaders, sleep, type EmulatorState } from './context';
import { sseJson } from './json';
import { GoneSignal, StopSignal, type Sink } from './stream';
import type { Task } from './store';

/** One HTTP response listening to a run. */
export class SseSubscriber {
	private pingTimer: NodeJS.Timeout | null = null;
	private counted = false;
	private closed = false;

	/**
	 * @param state
	 * @param res
	 * @param closeOn Events after which this subscriber's response ends.
	 * @param pingMs
	 */
	constructor(
		private readonly state: EmulatorState,
		readonly res: ServerResponse,
		readonly closeOn: ReadonlySet< string >,
		private readonly pingMs: number
	) {
		res.on( 'close', () => this.release() );
	}

	/**
	 * 200 with the event-stream headers.
	 * @param req
	 * @param extra Further headers (the resume endpoint adds cache headers).
	 */
	start( req: IncomingMessage, extra: Record< string, string > = {} ): void {
		this.res.writeHead( 200, {
			...difyHeaders( req, this.state ),
			'Content-Type': 'text/event-stream; charset=utf-8',
			...extra,
		} );
		this.res.flushHeaders();
		this.state.stats.activeStreams += 1;
		this.state.stats.totalStreams += 1;
		this.counted = true;
		this.startPings( this.pingMs );
	}

	get gone(): boolean {
		return this.closed || this.res.destroyed || this.res.writableEnded;
	}

	write( text: string ): void {
		if ( ! this.gone ) {
			this.res.write( text );
		}
	}

	/** Waits until buffered output drained (or the client left). */
	async drained(): Promise< void > {
		if ( this.gone || ! this.res.writableNeedDrain ) {
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
	}

	startPings( ms: number ): void {
		this.stopPings();
		this.pingTimer = setInterval(
			() => this.write( 'event: ping\n\n' ),
			ms
		);
	}

	restorePings(): void {
		if ( ! this.gone ) {
			this.startPings( this.pingMs );
		}
	}

	close(): void {
		this.release();
		if ( ! this.res.writableEnded ) {
			this.res.end();
		}
	}

	destroy(): void {
		this.release();
		this.res.socket?.destroy();
		this.res.destroy();
	}

	private stopPings(): void {
		if ( this.pingTimer ) {
			clearInterval( this.pingTimer );
			this.pingTimer = null;
		}
	}

	private release(): void {
		this.closed = true;
		this.stopPings();
		if ( this.counted ) {
			this.counted = false;
			this.state.stats.activeStreams -= 1;
		}
	}
}

/** A run's subscribers and the frames of its current segment. */
export class RunChannel {
	readonly subscribers = new Set< SseSubscriber >();
	/** Frames since the run (re)started, for subscribers that attach late. */
	private frames: string[] = [];
	private over = false;

	get ended(): boolean {
		return this.over;
	}

	/**
	 * Adds a subscriber; with `replay` it first gets the current segment.
	 * @param sub
	 * @param replay
	 */
	attach( sub: SseSubscriber, replay: boolean ): void {
		if ( replay ) {
			for ( const frame of this.frames ) {
				sub.write( frame );
			}
		}
		if ( this.over ) {
			sub.close();
			return;
		}
		this.subscribers.add( sub );
		sub.res.on( 'close', () => this.subscribers.delete( sub ) );
	}

	/**
	 * Sends one frame to every subscriber; ends those that close on this event.
	 * @param frame
	 * @param event
	 */
	publish( frame: string, event: string | null ): void {
		this.frames.push( frame );
		for ( const sub of [ ...this.subscribers ] ) {
			sub.write( frame );
			if ( event !== null && sub.closeOn.has( event ) ) {
				this.subscribers.delete( sub );
				sub.close();
			}
		}
	}

	/** The run paused: what was sent so far is no longer replayed. */
	pause(): void {
		this.frames = [];
	}

	/** A resumed run starts a new segment. */
	resume(): void {
		this.frames = [];
	}

	/** The run is over: every subscriber's response ends. */
	end(): void {
		this.over = true;
		this.frames = [];
		for ( const sub of [ ...this.subscribers ] ) {
			sub.close();
		}
		this.subscribers.clear();
	}

	/** A cut connection: every subscriber's socket is destroyed. */
	dropSubscribers(): void {
		for ( const sub of [ ...this.subscribers ] ) {
			sub.destroy();
		}
		this.subscribers.clear();
	}

	async drained(): Promise< void > {
		await Promise.all(
			[ ...this.subscribers ].map( ( s ) => s.drained() )
		);
	}

	setPings( ms: number | null ): void {
		for ( const sub of this.subscribers ) {
			if ( ms === null ) {
				sub.restorePings();
			} else {
				sub.startPings( ms );
			}
		}
	}
}

/**
 * The Sink a workflow-based run writes to. Its pacing honours stops like the
 * SSE sink; unlike it, a client going away does not end the run unless the
 * run is tied to its first subscriber (`detached_runs: stop`).
 */
export class ChannelSink implements Sink {
	readonly streaming = true;
	readonly survivesDrop: boolean;

	/**
	 * @param state
	 * @param channel
	 * @param task    The task of the current segment (stops address it).
	 * @param delayMs
	 * @param tiedTo  When set, the run ends (GoneSignal) once this subscriber is gone.
	 */
	constructor(
		private readonly state: EmulatorState,
		readonly channel: RunChannel,
		public task: Task,
		private readonly delayMs: number,
		private readonly tiedTo: SseSubscriber | null
	) {
		this.survivesDrop = tiedTo === null;
	}

	private check( honourStop: boolean ): void {
		if ( this.state.closing || ( this.tiedTo && this.tiedTo.gone ) ) {
			throw new GoneSignal();
		}
		if ( honourStop && this.task.stopRequested ) {
			throw new StopSignal();
		}
	}

	private async pace( ms: number, honourStop: boolean ): Promise< void > {
		this.check( honourStop );
		const waiters = new Set< () => void >();
		const wake = (): void => {
			for ( const w of [ ...waiters ] ) {
				w();
			}
		};
		if ( honourStop ) {
			this.task.waiters.add( wake );
		}
		const onClose = (): void => wake();
		this.tiedTo?.res.on( 'close', onClose );
		try {
			await sleep( this.state, ms, waiters );
		} finally {
			this.task.waiters.delete( wake );
			this.tiedTo?.res.off( 'close', onClose );
		}
		this.check( honourStop );
	}

	private async publish(
		payload: Record< string, unknown >
	): Promise< void > {
		const event = typeof payload.event === 'string' ? payload.event : null;
		this.noteEmit();
		this.channel.publish( `data: ${ sseJson( payload ) }\n\n`, event );
		await this.channel.drained();
		this.check( false );
	}

	async send( payload: Record< string, unknown > ): Promise< void > {
		await this.pace( this.delayMs, true );
		await this.publish( payload );
	}

	async sendTail( payload: Record< string, unknown > ): Promise< void > {
		await this.pace( Math.min( this.delayMs, 50 ), false );
		await this.publish( payload );
	}

	async raw( text: string ): Promise< void > {
		await this.pace( this.delayMs, true );
		this.channel.publish( text, null );
	}

	async pingPhase( ms: number, intervalMs: number ): Promise< void > {
		this.channel.setPings( intervalMs );
		try {
			const until = Date.now() + ms;
			while ( Date.now() < until ) {
				await this.pace( Math.min( until - Date.now(), 1000 ), true );
			}
		} finally {
			this.channel.setPings( null );
		}
	}

	drop(): void {
		this.channel.dropSubscribers();
	}

	end(): void {
		this.channel.end();
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
}

/** What a live run keeps besides its store record (state.runtimes, by run id). */
export interface RunRuntime {
	channel: RunChannel;
	/** `workflow_started` and the node events so far, for `include_state_snapshot`. */
	snapshot: Array< Record< string, unknown > >;
	/** While paused: its `human_input_required` and `workflow_paused` events. */
	pending: Array< Record< string, unknown > >;
	/** Keep-alive interval of the run's streams. */
	pingMs: number;
}
