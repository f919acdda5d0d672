<?php
/**
 * Which web addresses a visitor may have Dify fetch.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Security;

use Dify_Chatbot\Security\Remote_Files;
use Dify_Chatbot\Security\Remote_Url;
use Dify_Chatbot\Tests\TestCase;

final class Remote_UrlTest extends TestCase {

	/**
	 * Addresses that must never reach Dify, resolved for real (names that resolve on this machine,
	 * as they would on the Dify host, and literal addresses in every spelling).
	 */
	public function not_public(): array {
		$urls  = array(
			'localhost'                    => 'http://localhost/a.png',
			'localhost, trailing dot'      => 'http://localhost./a.png',
			'a *.localhost name'           => 'http://dify.localhost/a.png',
			'upper-case localhost'         => 'http://LOCALHOST/a.png',
			'loopback'                     => 'http://127.0.0.1/a.png',
			'loopback, other address'      => 'http://127.8.9.1/a.png',
			'loopback, decimal'            => 'http://2130706433/a.png',
			'loopback, octal'              => 'http://0177.0.0.1/a.png',
			'loopback, short'              => 'http://127.1/a.png',
			'metadata'                     => 'http://169.254.169.254/latest/meta-data/',
			'private 10/8'                 => 'http://10.1.2.3/a.png',
			'private 172.16/12'            => 'http://172.31.255.255/a.png',
			'private 192.168/16'           => 'https://192.168.1.1/a.png',
			'CGNAT'                        => 'http://100.64.0.1/a.png',
			'this network'                 => 'http://0.0.0.0/a.png',
			'multicast'                    => 'http://224.0.0.1/a.png',
			'broadcast'                    => 'http://255.255.255.255/a.png',
			'IPv6 loopback'                => 'http://[::1]/a.png',
			'IPv6 unspecified'             => 'http://[::]/a.png',
			'IPv6 unique local'            => 'http://[fd00::1]/a.png',
			'IPv6 link-local'              => 'http://[fe80::1]/a.png',
			'IPv4-mapped loopback'         => 'http://[::ffff:127.0.0.1]/a.png',
			'IPv4-mapped metadata'         => 'http://[::ffff:a9fe:a9fe]/a.png',
			'NAT64 of a private address'   => 'http://[64:ff9b::10.0.0.1]/a.png',
			'6to4 of a private address'    => 'http://[2002:0a00:0001::1]/a.png',
			'a name that does not resolve' => 'http://nothing-here.invalid/a.png',
			'another port'                 => 'https://93.184.215.14:8443/a.png',
			'credentials'                  => 'https://user:pass@93.184.215.14/a.png',
			'another scheme'               => 'ftp://93.184.215.14/a.png',
			'not a URL'                    => 'a.png',
		);
		$cases = array();
		foreach ( $urls as $name => $url ) {
			$cases[ $name ] = array( $url );
		}
		return $cases;
	}

	/**
	 * @dataProvider not_public
	 */
	public function test_an_address_that_is_not_public_is_refused( string $url ): void {
		$checked = Remote_Url::check( $url );
		$this->assertInstanceOf( \WP_Error::class, $checked, $url );
		$this->assertSame( 'dify_chatbot_remote_file_refused', $checked->get_error_code() );
		$this->assertSame( 400, $checked->get_error_data()['status'] );
		$this->assertNotSame( '', $checked->get_error_message() );
	}

	public function test_localhost_resolves_here_and_is_refused_for_its_address(): void {
		// The machine's own resolver says what localhost is (the hosts file): loopback.
		$this->assertContains( '127.0.0.1', (array) gethostbynamel( 'localhost' ) );
		$this->assertFalse( Remote_Url::is_public( '127.0.0.1' ) );
	}

	public function test_public_addresses_pass(): void {
		foreach ( array( 'https://93.184.215.14/cat.png', 'http://1.1.1.1/a.png', 'https://93.184.215.14:443/a.png', 'http://[2606:4700:4700::1111]/a.png', 'HTTPS://8.8.8.8/A.PNG' ) as $url ) {
			$this->assertTrue( Remote_Url::check( $url ), $url );
		}
		foreach ( array( '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111' ) as $address ) {
			$this->assertTrue( Remote_Url::is_public( $address ), $address );
		}
	}

	public function test_every_file_of_a_request_is_found(): void {
		$public  = array(
			'type'            => 'image',
			'transfer_method' => 'remote_url',
			'url'             => 'https://93.184.215.14/a.png',
		);
		$private = array( 'url' => 'http://10.0.0.1/a.png' ) + $public;
		$this->assertNull( Remote_Files::check( array( $public ), array(), true ) );
		$this->assertNull( Remote_Files::check( array(), array( 'text' => 'http://10.0.0.1/' ), false ), 'Text is not a file.' );
		$this->assertSame( 'dify_chatbot_remote_file_refused', Remote_Files::check( array( $public, $private ), array(), true )->get_error_code() );
		$this->assertSame( 'dify_chatbot_remote_file_refused', Remote_Files::check( array(), array( 'one' => $private ), true )->get_error_code() );
		$this->assertSame( 'dify_chatbot_remote_file_refused', Remote_Files::check( array(), array( 'list' => array( $public, $private ) ), true )->get_error_code() );
		// An address under another method's name is still an address.
		$this->assertSame( 'dify_chatbot_remote_files_off', Remote_Files::check( array( array( 'transfer_method' => 'local_file' ) + $private ), array(), false )->get_error_code() );
		$this->assertSame( 'dify_chatbot_remote_files_off', Remote_Files::check( array( $public ), array(), false )->get_error_code() );
		$this->assertNull(
			Remote_Files::check(
				array(
					array(
						'type'            => 'image',
						'transfer_method' => 'local_file',
						'upload_file_id'  => wp_generate_uuid4(),
					),
				),
				array(),
				false
			),
			'Uploads are not remote files.'
		);
	}
}
