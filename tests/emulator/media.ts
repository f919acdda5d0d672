/** Small but valid binary payloads: a PNG image and MPEG audio frames. */
/* eslint-disable no-bitwise -- checksums and pixel maths */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = ( () => {
	const table = new Uint32Array( 256 );
	for ( let n = 0; n < 256; n++ ) {
		let c = n;
		for ( let k = 0; k < 8; k++ ) {
			c = c & 1 ? 0xedb88320 ^ ( c >>> 1 ) : c >>> 1;
		}
		table[ n ] = c >>> 0;
	}
	return table;
} )();

function crc32( buf: Buffer ): number {
	let c = 0xffffffff;
	for ( const byte of buf ) {
		c = ( CRC_TABLE[ ( c ^ byte ) & 0xff ] ?? 0 ) ^ ( c >>> 8 );
	}
	return ( c ^ 0xffffffff ) >>> 0;
}

function chunk( type: string, data: Buffer ): Buffer {
	const len = Buffer.alloc( 4 );
	len.writeUInt32BE( data.length );
	const body = Buffer.concat( [ Buffer.from( type, 'ascii' ), data ] );
	const crc = Buffer.alloc( 4 );
	crc.writeUInt32BE( crc32( body ) );
	return Buffer.concat( [ len, body, crc ] );
}

/**
 * A size×size RGB PNG with a gradient whose colour depends on `seed`.
 * @param seed
 * @param size
 */
export function makePng( seed = 0, size = 32 ): Buffer {
	const ihdr = Buffer.alloc( 13 );
	ihdr.writeUInt32BE( size, 0 );
	ihdr.writeUInt32BE( size, 4 );
	ihdr[ 8 ] = 8; // bit depth
	ihdr[ 9 ] = 2; // RGB
	ihdr[ 10 ] = 0;
	ihdr[ 11 ] = 0;
	ihdr[ 12 ] = 0;
	const raw = Buffer.alloc( ( size * 3 + 1 ) * size );
	for ( let y = 0; y < size; y++ ) {
		const row = y * ( size * 3 + 1 );
		raw[ row ] = 0; // filter: none
		for ( let x = 0; x < size; x++ ) {
			const o = row + 1 + x * 3;
			raw[ o ] = ( x * 8 + seed ) & 0xff;
			raw[ o + 1 ] = ( y * 8 + ( seed >> 8 ) ) & 0xff;
			raw[ o + 2 ] = ( 128 + ( seed >> 16 ) ) & 0xff;
		}
	}
	return Buffer.concat( [
		Buffer.from( [ 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a ] ),
		chunk( 'IHDR', ihdr ),
		chunk( 'IDAT', deflateSync( raw ) ),
		chunk( 'IEND', Buffer.alloc( 0 ) ),
	] );
}

/**
 * `frames` MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz, silent payload).
 * @param frames
 */
export function makeMp3( frames: number ): Buffer {
	const frame = Buffer.alloc( 417 );
	frame[ 0 ] = 0xff;
	frame[ 1 ] = 0xfb;
	frame[ 2 ] = 0x90;
	frame[ 3 ] = 0x64;
	const out = Buffer.alloc( frame.length * frames );
	for ( let i = 0; i < frames; i++ ) {
		frame.copy( out, i * frame.length );
	}
	return out;
}

/**
 * Audio for a text: one frame per 12 characters, between 3 and 400 frames.
 * @param text
 */
export function mp3ForText( text: string ): Buffer {
	return makeMp3(
		Math.max( 3, Math.min( 400, Math.ceil( text.length / 12 ) ) )
	);
}
