<?php
/**
 * One Human Input form as this site keeps it behind a handle.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Forms;

/**
 * What the forms route needs to answer a form for its visitor: the run it pauses, Dify's form
 * token (never shown to a browser), the browser-safe definition (its fields' rules check a
 * submission), the expiry, and whether it is still open.
 */
final class Form_Record {

	public const OPEN      = 'open';
	public const SUBMITTED = 'submitted';
	public const EXPIRED   = 'expired';

	/**
	 * The stored fields.
	 *
	 * @var array{owner: Form_Owner, run: string, token: string, definition: array<string, mixed>, expires: int|null, state: string}
	 */
	private array $fields;

	/**
	 * Keeps the fields.
	 *
	 * @param Form_Owner           $owner      Who may answer it.
	 * @param string               $run        The workflow run it pauses.
	 * @param string               $token      Dify's form token.
	 * @param array<string, mixed> $definition The browser-safe form (Form_Definition::safe()).
	 * @param string               $state      OPEN, SUBMITTED or EXPIRED.
	 */
	public function __construct( Form_Owner $owner, string $run, string $token, array $definition, string $state = self::OPEN ) {
		$expires      = $definition['expiration_time'] ?? null;
		$this->fields = array(
			'owner'      => $owner,
			'run'        => $run,
			'token'      => $token,
			'definition' => $definition,
			'expires'    => is_int( $expires ) ? $expires : null,
			'state'      => in_array( $state, array( self::OPEN, self::SUBMITTED, self::EXPIRED ), true ) ? $state : self::OPEN,
		);
	}

	/**
	 * A record from its stored array, or null when the array is not one.
	 *
	 * @param mixed $stored What Form_Store kept.
	 */
	public static function from_array( $stored ): ?self {
		if ( ! is_array( $stored ) ) {
			return null;
		}
		foreach ( array( 'bot', 'app', 'user', 'run', 'token', 'state' ) as $key ) {
			if ( ! isset( $stored[ $key ] ) || ! is_string( $stored[ $key ] ) ) {
				return null;
			}
		}
		if ( ! isset( $stored['definition'] ) || ! is_array( $stored['definition'] ) ) {
			return null;
		}
		return new self(
			new Form_Owner( $stored['bot'], $stored['app'], $stored['user'] ),
			$stored['run'],
			$stored['token'],
			$stored['definition'],
			$stored['state']
		);
	}

	/**
	 * The array Form_Store keeps.
	 *
	 * @return array<string, mixed>
	 */
	public function to_array(): array {
		$owner = $this->fields['owner'];
		return array(
			'bot'        => $owner->bot(),
			'app'        => $owner->app(),
			'user'       => $owner->user(),
			'run'        => $this->fields['run'],
			'token'      => $this->fields['token'],
			'definition' => $this->fields['definition'],
			'state'      => $this->fields['state'],
		);
	}

	/**
	 * Who may answer it.
	 */
	public function owner(): Form_Owner {
		return $this->fields['owner'];
	}

	/**
	 * The workflow run it pauses.
	 */
	public function run(): string {
		return $this->fields['run'];
	}

	/**
	 * Dify's form token (only ever sent to Dify).
	 */
	public function token(): string {
		return $this->fields['token'];
	}

	/**
	 * The browser-safe form.
	 *
	 * @return array<string, mixed>
	 */
	public function definition(): array {
		return $this->fields['definition'];
	}

	/**
	 * When the form expires (Unix time), or null when it does not say.
	 */
	public function expires(): ?int {
		return $this->fields['expires'];
	}

	/**
	 * OPEN, SUBMITTED or EXPIRED.
	 */
	public function state(): string {
		return $this->fields['state'];
	}

	/**
	 * Whether the form has expired by now.
	 *
	 * @param int $now Unix time.
	 */
	public function expired( int $now ): bool {
		return self::EXPIRED === $this->fields['state'] || ( null !== $this->fields['expires'] && $now >= $this->fields['expires'] );
	}

	/**
	 * The same record in another state.
	 *
	 * @param string $state SUBMITTED or EXPIRED.
	 */
	public function with_state( string $state ): self {
		return new self( $this->fields['owner'], $this->fields['run'], $this->fields['token'], $this->fields['definition'], $state );
	}
}
