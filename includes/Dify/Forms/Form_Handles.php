<?php
/**
 * The forms of one visitor, behind their handles.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Forms;

/**
 * Puts a handle in the place of a form's token wherever a form reaches this visitor's browser
 * (the stream's `human_input_required`, the history's `extra_contents`) and finds the visitor's
 * form again when they answer it. Everything is bound to the one owner it was made for.
 */
final class Form_Handles {

	/**
	 * Who the forms are for.
	 *
	 * @var Form_Owner
	 */
	private Form_Owner $owner;

	/**
	 * Where they are kept.
	 *
	 * @var Form_Store
	 */
	private Form_Store $store;

	/**
	 * Keeps the owner and the store.
	 *
	 * @param Form_Owner $owner Who the forms are for.
	 * @param Form_Store $store Where they are kept.
	 */
	public function __construct( Form_Owner $owner, Form_Store $store ) {
		$this->owner = $owner;
		$this->store = $store;
	}

	/**
	 * The browser's copy of a form Dify describes (with its token): the safe definition and
	 * `form`, its handle — or null when the form has no token or no run to bind it to.
	 *
	 * @param string       $run  The workflow run the form pauses.
	 * @param array<mixed> $data The form as Dify sent it.
	 * @return array<string, mixed>|null
	 */
	public function publish( string $run, array $data ): ?array {
		$token = $data['form_token'] ?? null;
		if ( '' === $run || ! is_string( $token ) || '' === $token ) {
			return null;
		}
		$definition         = Form_Definition::safe( $data );
		$definition['form'] = $this->store->mint( $this->owner, $run, $token, $definition );
		return $definition;
	}

	/**
	 * This visitor's form behind a handle (null for an unknown handle and another visitor's alike).
	 *
	 * @param string $handle The handle.
	 */
	public function find( string $handle ): ?Form_Record {
		return $this->store->find( $handle, $this->owner );
	}

	/**
	 * Stores a form's new state under its handle.
	 *
	 * @param string      $handle The handle.
	 * @param Form_Record $record The record.
	 */
	public function save( string $handle, Form_Record $record ): void {
		$this->store->save( $handle, $record );
	}
}
