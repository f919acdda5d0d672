<?php
/**
 * Separates a reasoning model's inline `<think>…</think>` from the answer.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Relay;

/**
 * Reasoning models answer through Dify with their thinking inline: `<think>…</think>` in the
 * answer's text (docs/dify-notes.md §5). The splitter reads that text piece by piece, as the
 * stream cuts it — anywhere, a tag included (`<`, `thi`, `nk>…`) — and gives back, for each
 * piece, what of it is answer and what is reasoning. Text that may be the start of a tag is held
 * back until the next piece (or finish()) says what it is, so no part of a tag and no reasoning
 * ever comes out as answer.
 *
 * The rules, the same for a whole text (split()) and for the same text in any pieces:
 * every `<think>` opens reasoning that runs to the next `</think>` (or to the end of the text);
 * white space right after a `</think>` is dropped (the answer begins after it); a `</think>`
 * outside reasoning is dropped.
 */
final class Think_Splitter {

	private const OPEN  = '<think>';
	private const CLOSE = '</think>';

	/**
	 * Whether the text read so far is inside `<think>`.
	 *
	 * @var bool
	 */
	private bool $thinking = false;

	/**
	 * Whether white space is dropped (right after a `</think>`).
	 *
	 * @var bool
	 */
	private bool $after_close = false;

	/**
	 * Text held back: it may be the start of a tag.
	 *
	 * @var string
	 */
	private string $held = '';

	/**
	 * Whether a `</think>` was read since the last call (the reasoning block is complete).
	 *
	 * @var bool
	 */
	private bool $closed = false;

	/**
	 * A whole text split at once.
	 *
	 * @param string $text The text.
	 * @return array{answer: string, reasoning: string}
	 */
	public static function split( string $text ): array {
		$splitter = new self();
		$parts    = $splitter->feed( $text );
		$rest     = $splitter->finish();
		return array(
			'answer'    => $parts['answer'] . $rest['answer'],
			'reasoning' => $parts['reasoning'] . $rest['reasoning'],
		);
	}

	/**
	 * Whether a text holds any of the tags (a quick test before splitting).
	 *
	 * @param string $text The text.
	 */
	public static function has_tags( string $text ): bool {
		return false !== strpos( $text, self::OPEN ) || false !== strpos( $text, self::CLOSE );
	}

	/**
	 * Reads the next piece of the text.
	 *
	 * @param string $piece The piece (as one event carried it).
	 * @return array{answer: string, reasoning: string, closed: bool} What of it (and of text held
	 *         back before it) is answer and what is reasoning, and whether a reasoning block ended.
	 */
	public function feed( string $piece ): array {
		$text         = $this->held . $piece;
		$this->held   = '';
		$this->closed = false;
		$answer       = '';
		$reasoning    = '';

		while ( '' !== $text ) {
			if ( $this->after_close ) {
				$trimmed = ltrim( $text );
				if ( '' === $trimmed ) {
					return $this->result( $answer, $reasoning );
				}
				$this->after_close = false;
				$text              = $trimmed;
			}
			$tag = $this->thinking ? self::CLOSE : self::OPEN;
			$at  = strpos( $text, $tag );
			if ( false === $at ) {
				// A `</think>` outside reasoning is dropped; any other text is answer or reasoning.
				if ( ! $this->thinking ) {
					$text = str_replace( self::CLOSE, '', $text );
				}
				$keep       = self::partial_tag( $text, $this->thinking );
				$this->held = substr( $text, strlen( $text ) - $keep );
				$out        = substr( $text, 0, strlen( $text ) - $keep );
				if ( $this->thinking ) {
					$reasoning .= $out;
				} else {
					$answer .= $out;
				}
				break;
			}
			$before = substr( $text, 0, $at );
			if ( $this->thinking ) {
				$reasoning        .= $before;
				$this->thinking    = false;
				$this->after_close = true;
				$this->closed      = true;
			} else {
				$answer        .= str_replace( self::CLOSE, '', $before );
				$this->thinking = true;
			}
			$text = (string) substr( $text, $at + strlen( $tag ) );
		}//end while
		return $this->result( $answer, $reasoning );
	}

	/**
	 * The end of the text: what was held back is what it looked like (no tag came of it).
	 *
	 * @return array{answer: string, reasoning: string, closed: bool}
	 */
	public function finish(): array {
		$held         = $this->held;
		$this->held   = '';
		$this->closed = false;
		if ( $this->thinking ) {
			return $this->result( '', $held );
		}
		return $this->result( $this->after_close ? ltrim( $held ) : $held, '' );
	}

	/**
	 * Whether the text read so far ends inside reasoning.
	 */
	public function is_thinking(): bool {
		return $this->thinking;
	}

	/**
	 * How many characters at the end of a text may be the start of the tag looked for next (and,
	 * outside reasoning, of a stray `</think>`, which is dropped too).
	 *
	 * @param string $text     The text.
	 * @param bool   $thinking Whether the text is reasoning.
	 */
	private static function partial_tag( string $text, bool $thinking ): int {
		$tags = $thinking ? array( self::CLOSE ) : array( self::OPEN, self::CLOSE );
		$keep = 0;
		foreach ( $tags as $tag ) {
			for ( $length = min( strlen( $tag ) - 1, strlen( $text ) ); $length > $keep; $length-- ) {
				if ( substr( $text, -$length ) === substr( $tag, 0, $length ) ) {
					$keep = $length;
					break;
				}
			}
		}
		return $keep;
	}

	/**
	 * One result.
	 *
	 * @param string $answer    Answer text.
	 * @param string $reasoning Reasoning text.
	 * @return array{answer: string, reasoning: string, closed: bool}
	 */
	private function result( string $answer, string $reasoning ): array {
		return array(
			'answer'    => $answer,
			'reasoning' => $reasoning,
			'closed'    => $this->closed,
		);
	}
}
