<?php
/**
 * The usage rows as CSV.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Usage;

use Dify_Chatbot\Tests\TestCase;
use Dify_Chatbot\Usage\Usage_Csv;

final class Usage_CsvTest extends TestCase {

	public function test_a_header_and_a_line_per_day_and_bot(): void {
		$csv = Usage_Csv::text(
			array(
				array(
					'date'         => '2026-01-02',
					'bot'          => 'default',
					'messages'     => 3,
					'tokens'       => 1200,
					'errors'       => 1,
					'rate_limit'   => 2,
					'budget'       => 0,
					'who_may_chat' => 4,
					'stream_cap'   => 0,
					'daily_cap'    => 5,
				),
			)
		);
		$this->assertSame(
			"date,bot,messages,tokens,errors,refused_rate_limit,refused_budget,refused_who_may_chat,refused_stream_cap,refused_daily_cap\r\n"
			. "2026-01-02,default,3,1200,1,2,0,4,0,5\r\n",
			$csv
		);
		$this->assertSame( 2, count( str_getcsv( $csv, "\n" ) ) );
	}

	/**
	 * @dataProvider formulas
	 */
	public function test_a_cell_a_spreadsheet_would_run_is_text( string $cell, string $safe ): void {
		$this->assertSame( $safe, Usage_Csv::cell( $cell ) );
	}

	public function formulas(): array {
		return array(
			'equals'     => array( '=HYPERLINK("x")', "\"'=HYPERLINK(\"\"x\"\")\"" ),
			'plus'       => array( '+1', "'+1" ),
			'minus slug' => array( '-cmd', "'-cmd" ),
			'at'         => array( '@SUM(A1)', "'@SUM(A1)" ),
			'tab'        => array( "\tx", "'\tx" ),
			'cr'         => array( "\rx", "\"'\rx\"" ),
			'comma'      => array( 'a,b', '"a,b"' ),
			'plain'      => array( 'sales', 'sales' ),
			'number'     => array( '42', '42' ),
		);
	}
}
