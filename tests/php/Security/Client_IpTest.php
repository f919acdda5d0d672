<?php
/**
 * The client address for rate limits.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Security;

use Dify_Chatbot\Security\Client_Ip;
use Dify_Chatbot\Tests\TestCase;

final class Client_IpTest extends TestCase {

	/**
	 * @dataProvider requests
	 */
	public function test_the_client_address( array $server, array $trusted, string $expected ): void {
		$this->assertSame( $expected, ( new Client_Ip() )->from_server( $server, $trusted ) );
	}

	public function requests(): array {
		$xff = array(
			'REMOTE_ADDR'          => '10.0.0.2',
			'HTTP_X_FORWARDED_FOR' => '6.6.6.6, 203.0.113.9, 10.0.0.1',
		);
		return array(
			'REMOTE_ADDR alone'                          => array( array( 'REMOTE_ADDR' => '198.51.100.7' ), array(), '198.51.100.7' ),
			'XFF ignored without trusted proxies'        => array( $xff, array(), '10.0.0.2' ),
			'XFF ignored from an untrusted peer'         => array( $xff, array( '10.0.0.9' ), '10.0.0.2' ),
			'right-most untrusted address'               => array( $xff, array( '10.0.0.1', '10.0.0.2' ), '203.0.113.9' ),
			'trusted range'                              => array( $xff, array( '10.0.0.0/8' ), '203.0.113.9' ),
			'a spoofed left part is never used'          => array( $xff, array( '10.0.0.0/8', '203.0.113.0/24' ), '6.6.6.6' ),
			'garbage in XFF stops the walk'              => array(
				array(
					'REMOTE_ADDR'          => '10.0.0.2',
					'HTTP_X_FORWARDED_FOR' => '203.0.113.9, not-an-ip',
				),
				array( '10.0.0.0/8' ),
				'10.0.0.2',
			),
			'IPv6 proxy range'                           => array(
				array(
					'REMOTE_ADDR'          => '2001:db8::5',
					'HTTP_X_FORWARDED_FOR' => '2001:db8:ffff::1',
				),
				array( '2001:db8::/64' ),
				'2001:db8:ffff::1',
			),
			'no REMOTE_ADDR'                             => array( array(), array( '10.0.0.0/8' ), '' ),
			'XFF not read when REMOTE_ADDR is not an IP' => array(
				array(
					'REMOTE_ADDR'          => 'x',
					'HTTP_X_FORWARDED_FOR' => '1.2.3.4',
				),
				array( '10.0.0.0/8' ),
				'',
			),
		);
	}

	public function test_ipv6_is_counted_per_64(): void {
		$this->assertSame( Client_Ip::bucket( '2001:db8:1:2:aaaa::1' ), Client_Ip::bucket( '2001:db8:1:2:bbbb::9' ) );
		$this->assertNotSame( Client_Ip::bucket( '2001:db8:1:2::1' ), Client_Ip::bucket( '2001:db8:1:3::1' ) );
		$this->assertSame( '192.0.2.1', Client_Ip::bucket( '192.0.2.1' ) );
		$this->assertSame( 'unknown', Client_Ip::bucket( '' ) );
	}

	public function test_ranges(): void {
		$this->assertTrue( Client_Ip::matches_any( '172.16.5.4', array( '172.16.0.0/12' ) ) );
		$this->assertFalse( Client_Ip::matches_any( '172.32.0.1', array( '172.16.0.0/12' ) ) );
		$this->assertTrue( Client_Ip::matches_any( '10.1.2.3', array( '10.0.0.0/9' ) ) );
		$this->assertFalse( Client_Ip::matches_any( '10.200.2.3', array( '10.0.0.0/9' ) ) );
	}
}
