<?php
/**
 * The plugin's suggested privacy policy text.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Security;

use Dify_Chatbot\Registrable;

/**
 * Adds a section to Settings → Privacy → Policy Guide: what the chat sends to Dify, the opaque
 * visitor id and its cookie, that no other personal data is sent by default, and how visitors
 * delete their conversations.
 */
final class Privacy implements Registrable {

	/**
	 * Adds the text on admin_init (the only time WordPress accepts it).
	 */
	public function register(): void {
		add_action( 'admin_init', array( $this, 'add_policy_content' ) );
	}

	/**
	 * Registers the suggested text.
	 */
	public function add_policy_content(): void {
		if ( function_exists( 'wp_add_privacy_policy_content' ) ) {
			wp_add_privacy_policy_content( __( 'Dify Chatbot', 'dify-chatbot' ), self::content() );
		}
	}

	/**
	 * The suggested text, as plain paragraphs.
	 */
	public static function content(): string {
		$paragraphs = array(
			__( 'When you use the chat on this site, your messages, any values you enter in the chat form, any files you attach, your voice recordings when you speak a message, the answers you ask to hear read aloud and the ratings you give to answers are sent from this site to the Dify service that writes the answers, together with an identifier of your conversation.', 'dify-chatbot' ),
			__( 'Dify also receives an identifier of you as a chat user: for logged-in users it is made from the user number on this site and a short code of this site; for other visitors it is a random value with no meaning of its own. No name, email address or IP address is sent to Dify by default.', 'dify-chatbot' ),
			__( 'For visitors who are not logged in, this random value is kept in a cookie named dify_chatbot_visitor for one year, so that you can continue your conversations. The cookie is only readable by this site and is not used for tracking or advertising.', 'dify-chatbot' ),
			__( 'Your browser also keeps, in its local storage for this site, the id of your current conversation with each chat (keys starting with difyChatbot:conv) and the values you entered in a chat\'s form (keys starting with difyChatbot:inputs), so that a chat continues where you left it when you come back to the page. They stay in your browser until you clear this site\'s data; they are not sent anywhere except back to this site with your next message.', 'dify-chatbot' ),
			__( 'You can delete all of your conversations yourself: in the chat, open "Conversations" and choose "Delete all conversations". They are deleted from the Dify service, and your browser forgets the conversation ids and form values it kept for this site\'s chats. Logged-in users can also ask the site owner to export or erase them, with WordPress\'s personal data tools.', 'dify-chatbot' ),
			__( 'To protect the chat from abuse, this site counts how many messages are sent per visitor and per IP address; the visitor and the address are stored only as hashes keyed with a secret of this site, so they cannot be read back from the counts, and the counts are removed after two days.', 'dify-chatbot' ),
			__( 'The site also counts, for each day and each chat, how many messages were sent, how many tokens their answers used and how many failed or were refused, so the site owner can see how the chat is used. These totals name no visitor and hold nothing of what was written; they are removed after 30 days.', 'dify-chatbot' ),
			__( 'The Dify service stores conversations according to its own privacy policy; the site owner should name who operates it and where.', 'dify-chatbot' ),
		);
		return '<p>' . implode( "</p>\n<p>", array_map( 'esc_html', $paragraphs ) ) . '</p>';
	}
}
