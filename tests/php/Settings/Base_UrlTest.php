<?php
/**
 * Base URL rules.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Settings;

use Dify_Chatbot\Settings\Base_Url;
use Dify_Chatbot\Tests\TestCase;

final class Base_UrlTest extends TestCase {

	/**
	 * @dataProvider valid_urls
	 */
	public function test_accepts_and_normalizes( string $url, string $expected ): void {
		$this->assertSame( $expected, Base_Url::check( $url ) );
	}

	public function valid_urls(): array {
		return array(
			'cloud'               => array( 'https://api.dify.ai/v1', 'https://api.dify.ai/v1' ),
			'trailing slash'      => array( 'https://api.dify.ai/v1/', 'https://api.dify.ai/v1' ),
			'spaces around'       => array( "  http://10.0.0.5:8080/v1 \n", 'http://10.0.0.5:8080/v1' ),
			'plain http, port'    => array( 'http://localhost:5001/v1', 'http://localhost:5001/v1' ),
			'ipv6'                => array( 'http://[::1]:8080/v1', 'http://[::1]:8080/v1' ),
			'at sign in the path' => array( 'https://relay.example/@team/v1', 'https://relay.example/@team/v1' ),
			'upper-case scheme'   => array( 'HTTPS://api.dify.ai/v1', 'HTTPS://api.dify.ai/v1' ),
		);
	}

	/**
	 * @dataProvider invalid_urls
	 */
	public function test_refuses_with_a_readable_message( string $url, string $words ): void {
		$result = Base_Url::check( $url );
		$this->assertWPError( $result );
		$this->assertSame( 400, $result->get_error_data()['status'] );
		$this->assertStringContainsStringIgnoringCase( $words, $result->get_error_message() );
	}

	public function invalid_urls(): array {
		return array(
			'empty'             => array( '   ', 'Enter the URL' ),
			'ftp'               => array( 'ftp://dify.example/v1', 'http:// or https://' ),
			'javascript'        => array( 'javascript:alert(1)', 'http:// or https://' ),
			'no scheme'         => array( 'api.dify.ai/v1', 'http:// or https://' ),
			'no host'           => array( 'https:///v1', 'http' ),
			'user and password' => array( 'https://user:secret@dify.example/v1', 'user name or password' ),
			'user only'         => array( 'https://user@dify.example/v1', 'user name or password' ),
			'query'             => array( 'https://dify.example/v1?x=1', 'query' ),
			'empty query'       => array( 'https://dify.example/v1?', 'query' ),
			'fragment'          => array( 'https://dify.example/v1#top', 'fragment' ),
			'space inside'      => array( 'https://dify.example/v 1', 'not allowed' ),
			'newline inside'    => array( "https://dify.example/v1\nX-Evil: 1", 'not allowed' ),
			'quote'             => array( 'https://dify.example/"v1', 'not allowed' ),
		);
	}

	public function test_origin(): void {
		$this->assertSame( 'http://127.0.0.1:8788', Base_Url::origin( 'http://127.0.0.1:8788/v1' ) );
		$this->assertSame( 'https://api.dify.ai', Base_Url::origin( 'https://api.dify.ai/v1' ) );
	}

	public function test_one_server_has_one_origin_however_it_is_written(): void {
		// The key is bound to the origin: a change of case or a spelled-out default port is the same server.
		$this->assertSame( 'https://api.dify.ai', Base_Url::origin( 'HTTPS://API.Dify.AI:443/v1' ) );
		$this->assertSame( 'http://dify.example', Base_Url::origin( 'http://dify.example:80/v1' ) );
		$this->assertSame( 'http://dify.example:443', Base_Url::origin( 'http://dify.example:443/v1' ) );
		$this->assertSame( 'http://[::1]:5001', Base_Url::origin( 'http://[::1]:5001/v1' ) );
		$this->assertSame( '', Base_Url::origin( 'not a url' ) );
	}

	private function assertWPError( $value ): void {
		$this->assertInstanceOf( \WP_Error::class, $value );
	}
}
