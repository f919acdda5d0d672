<?php
/**
 * The usage rows as CSV.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Usage;

/**
 * One header line, then a line per day and bot, as the usage screen and `wp dify-chatbot usage
 * --format=csv` list them. A spreadsheet runs a cell that begins with `=`, `+`, `-`, `@`, a tab
 * or a carriage return as a formula: such a text cell (a bot's slug may begin with `-`) gets a
 * leading `'`, so it is read as text. The numbers are counts, never negative.
 */
final class Usage_Csv {

	/**
	 * The header line's names.
	 */
	public const HEADER = array( 'date', 'bot', 'messages', 'tokens', 'errors', 'refused_rate_limit', 'refused_budget', 'refused_who_may_chat', 'refused_stream_cap', 'refused_daily_cap' );

	/**
	 * The CSV text (RFC 4180: CRLF line ends, quoted where needed).
	 *
	 * @param array<int, array<string, int|string>> $rows Rows of Usage_Store::rows().
	 */
	public static function text( array $rows ): string {
		$lines = array( self::line( self::HEADER ) );
		foreach ( $rows as $row ) {
			$cells = array( (string) $row['date'], (string) $row['bot'] );
			foreach ( Usage_Store::COLUMNS as $column ) {
				$cells[] = (string) (int) $row[ $column ];
			}
			$lines[] = self::line( $cells );
		}
		return implode( "\r\n", $lines ) . "\r\n";
	}

	/**
	 * One line of cells.
	 *
	 * @param string[] $cells The cells.
	 */
	private static function line( array $cells ): string {
		$out = array();
		foreach ( $cells as $cell ) {
			$out[] = self::cell( $cell );
		}
		return implode( ',', $out );
	}

	/**
	 * One cell, safe from formulas and quoted when it holds a comma, a quote or a line break.
	 *
	 * @param string $cell The cell's text.
	 */
	public static function cell( string $cell ): string {
		if ( '' !== $cell && ! ctype_digit( $cell ) && false !== strpbrk( $cell[0], "=+-@\t\r" ) ) {
			$cell = "'" . $cell;
		}
		if ( false !== strpbrk( $cell, ",\"\r\n" ) ) {
			$cell = '"' . str_replace( '"', '""', $cell ) . '"';
		}
		return $cell;
	}
}
