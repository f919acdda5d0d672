<?php
/**
 * Upstream failures as visitor errors.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify;

use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Dify\Http\Response;
use Dify_Chatbot\Dify\Media_Errors;
use Dify_Chatbot\Tests\TestCase;
use WP_Error;

final class Error_MapperTest extends TestCase {

	private const UNAVAILABLE = 'The chat is not available right now.';

	private function json( int $status, string $code, string $message, array $headers = array() ): Response {
		return new Response( $status, 'application/json', $headers, wp_json_encode( compact( 'code', 'message', 'status' ) ) . "\n" );
	}

	private function html( int $status ): Response {
		return new Response( $status, 'text/html; charset=utf-8', array(), "<html><head><title>$status</title></head><body><center><h1>$status Error</h1></center><hr><center>nginx</center></body></html>" );
	}

	private function assertMapped( WP_Error $error, string $code, int $status, string $message = '' ): void {
		$this->assertSame( $code, $error->get_error_code() );
		$this->assertSame( $status, $error->get_error_data()['status'] );
		if ( '' !== $message ) {
			$this->assertSame( $message, $error->get_error_message() );
		}
	}

	/**
	 * @dataProvider dify_errors
	 */
	public function test_dify_json_errors( int $status, string $code, string $message, string $expected_code, int $expected_status ): void {
		$error = ( new Error_Mapper() )->from_response( $this->json( $status, $code, $message ) );
		$this->assertMapped( $error, $expected_code, $expected_status );
		// Dify's own text never reaches the visitor.
		$this->assertStringNotContainsString( $message, $error->get_error_message() );
	}

	public function dify_errors(): array {
		return array(
			'401 bad key'                 => array( 401, 'unauthorized', 'Access token is invalid', Error_Mapper::NOT_CONFIGURED, 503 ),
			'403 api disabled'            => array( 403, 'forbidden', 'The app\'s API service has been disabled.', Error_Mapper::NOT_CONFIGURED, 503 ),
			'404 conversation'            => array( 404, 'not_found', 'Conversation Not Exists. You have requested this URI [\/v1\/chat-messages] but did you mean \/v1\/chat-messages ?', Error_Mapper::CONVERSATION_NOT_FOUND, 404 ),
			'400 app_unavailable'         => array( 400, 'app_unavailable', 'App unavailable, please check your app configurations.', Error_Mapper::UNAVAILABLE, 503 ),
			'400 not_chat_app'            => array( 400, 'not_chat_app', 'Please check if your app mode matches the right API route.', Error_Mapper::UNAVAILABLE, 503 ),
			'400 not_workflow_app'        => array( 400, 'not_workflow_app', 'Please check if your app mode matches the right API route.', Error_Mapper::UNAVAILABLE, 503 ),
			'400 provider_not_initialize' => array( 400, 'provider_not_initialize', 'Model gpt-4o credentials is not initialized.', Error_Mapper::UNAVAILABLE, 503 ),
			'400 quota'                   => array( 400, 'provider_quota_exceeded', 'Your quota for Dify Hosted OpenAI has been exhausted.', Error_Mapper::UNAVAILABLE, 503 ),
			'400 model not supported'     => array( 400, 'model_currently_not_support', 'Dify Hosted OpenAI trial currently not support the GPT-4 model.', Error_Mapper::UNAVAILABLE, 503 ),
			'400 completion_request'      => array( 400, 'completion_request_error', '[openai] Incorrect API key provided: sk-abc***', Error_Mapper::ANSWER_FAILED, 502 ),
			'400 conversation_completed'  => array( 400, 'conversation_completed', 'The conversation has ended. Please start a new conversation.', Error_Mapper::CONVERSATION_NOT_FOUND, 404 ),
			'400 invalid_param'           => array( 400, 'invalid_param', 'name is required in input form', Error_Mapper::INVALID_INPUT, 400 ),
			'400 too many (quirk)'        => array( 400, 'invalid_param', 'Too many requests. Please try again later. The current maximum concurrent requests allowed for app-1 is 1.', Error_Mapper::RATE_LIMITED, 429 ),
			'400 run failed'              => array( 400, 'invalid_param', 'Run failed: node llm failed', Error_Mapper::ANSWER_FAILED, 502 ),
			'400 bad_request'             => array( 400, 'bad_request', 'The browser (or proxy) sent a request that this server could not understand.', Error_Mapper::UPSTREAM_ERROR, 502 ),
			'400 no_file_uploaded'        => array( 400, 'no_file_uploaded', 'Please upload your file.', Error_Mapper::UNSUPPORTED_FILE, 400 ),
			'400 unknown code'            => array( 400, 'brand_new_code', 'Something new', Error_Mapper::INVALID_INPUT, 400 ),
			'413 file_too_large'          => array( 413, 'file_too_large', 'File size exceeded. {message}', Error_Mapper::TOO_LARGE, 413 ),
			'415 unsupported_file_type'   => array( 415, 'unsupported_file_type', 'File type not allowed.', Error_Mapper::UNSUPPORTED_FILE, 415 ),
			'415 unsupported_media_type'  => array( 415, 'unsupported_media_type', 'Did not attempt to load JSON data because the request Content-Type was not \'application/json\'.', Error_Mapper::UPSTREAM_ERROR, 502 ),
			'429 rate_limit_error'        => array( 429, 'rate_limit_error', 'Workflow execution quota limit reached for tenant t1', Error_Mapper::RATE_LIMITED, 429 ),
			'429 too_many_requests'       => array( 429, 'too_many_requests', 'Too many requests.', Error_Mapper::RATE_LIMITED, 429 ),
			'500 internal_server_error'   => array( 500, 'internal_server_error', 'The server encountered an internal error and was unable to complete your request.', Error_Mapper::ANSWER_FAILED, 502 ),
			'500 unknown'                 => array( 500, 'unknown', 'Internal Server Error', Error_Mapper::ANSWER_FAILED, 502 ),
			'405 method_not_allowed'      => array( 405, 'method_not_allowed', 'The method is not allowed for the requested URL.', Error_Mapper::UPSTREAM_ERROR, 502 ),
			'400 too_many_requests'       => array( 400, 'too_many_requests', 'Too many requests. Please try again later.', Error_Mapper::RATE_LIMITED, 429 ),
			'400 agent_not_published'     => array( 400, 'agent_not_published', 'Agent is not published.', Error_Mapper::UNAVAILABLE, 503 ),
			'403 pinned version'          => array( 403, 'workflow_version_execution_not_allowed', 'Executing a specific workflow version is not allowed on this plan.', Error_Mapper::UNAVAILABLE, 503 ),
			'400 invalid_form_data'       => array( 400, 'invalid_form_data', 'Missing required inputs: comment', Error_Mapper::INVALID_FORM, 400 ),
			'412 form submitted'          => array( 412, 'human_input_form_submitted', 'This form has already been submitted by another user, form_id=f1', Error_Mapper::FORM_SUBMITTED, 409 ),
			'412 form expired'            => array( 412, 'human_input_form_expired', 'This form has expired, form_id=f1', Error_Mapper::FORM_EXPIRED, 410 ),
			'412 unknown'                 => array( 412, 'precondition_failed', 'Precondition failed', Error_Mapper::UPSTREAM_ERROR, 502 ),
		);
	}

	public function test_site_owner_problems_tell_the_visitor_only_that_the_chat_is_unavailable(): void {
		$mapper = new Error_Mapper();
		foreach ( array( $this->json( 401, 'unauthorized', 'Access token is invalid' ), $this->json( 403, 'forbidden', 'x' ), $this->html( 404 ) ) as $response ) {
			$this->assertSame( self::UNAVAILABLE, $mapper->from_response( $response )->get_error_message() );
		}
		$this->assertMapped( $mapper->not_configured(), Error_Mapper::NOT_CONFIGURED, 503, self::UNAVAILABLE );
	}

	public function test_the_match_is_on_status_and_code_never_the_message(): void {
		$mapper = new Error_Mapper();
		// A 400 invalid_param that talks about keys is still the visitor's input problem.
		$this->assertMapped( $mapper->from_response( $this->json( 400, 'invalid_param', 'Access token is invalid' ) ), Error_Mapper::INVALID_INPUT, 400 );
		// A 404 with another code is not a lost conversation.
		$this->assertMapped( $mapper->from_response( $this->json( 404, 'file_not_found', 'Conversation Not Exists.' ) ), Error_Mapper::NOT_CONFIGURED, 503 );
	}

	/**
	 * @dataProvider html_errors
	 */
	public function test_html_bodies_from_proxies( int $status, string $expected_code, int $expected_status ): void {
		$error = ( new Error_Mapper() )->from_response( $this->html( $status ) );
		$this->assertMapped( $error, $expected_code, $expected_status );
		$this->assertStringNotContainsString( 'nginx', $error->get_error_message() );
	}

	public function html_errors(): array {
		return array(
			'404 unknown route' => array( 404, Error_Mapper::NOT_CONFIGURED, 503 ),
			'413 nginx'         => array( 413, Error_Mapper::TOO_LARGE, 413 ),
			'502 nginx'         => array( 502, Error_Mapper::UNREACHABLE, 503 ),
			'503 maintenance'   => array( 503, Error_Mapper::UNREACHABLE, 503 ),
			'504 nginx'         => array( 504, Error_Mapper::TIMEOUT, 504 ),
			'500 html'          => array( 500, Error_Mapper::UPSTREAM_ERROR, 502 ),
			'200 login page'    => array( 200, Error_Mapper::BAD_RESPONSE, 502 ),
		);
	}

	public function test_retry_after_is_kept_in_seconds_and_sent_to_the_browser(): void {
		$mapper = new Error_Mapper();
		$error  = $mapper->from_response( $this->json( 429, 'rate_limit_error', 'Rate Limit Error', array( 'Retry-After' => '7' ) ) );
		$this->assertSame( 7, $error->get_error_data()['retry_after'] );

		$response = $mapper->to_response( $error );
		$this->assertSame( 429, $response->get_status() );
		$this->assertSame( '7', $response->get_headers()['Retry-After'] );
		$this->assertSame( Error_Mapper::RATE_LIMITED, $response->get_data()['code'] );
		$this->assertSame(
			array(
				'status'      => 429,
				'retry_after' => 7,
			),
			$response->get_data()['data']
		);
		$this->assertArrayNotHasKey( 'additional_data', $response->get_data() );

		$date = $mapper->from_response( $this->json( 429, 'rate_limit_error', 'x', array( 'retry-after' => gmdate( 'D, d M Y H:i:s', time() + 120 ) . ' GMT' ) ) );
		$this->assertEqualsWithDelta( 120, $date->get_error_data()['retry_after'], 2 );

		foreach ( array( array( 429, 'too_many_requests' ), array( 400, 'too_many_requests' ), array( 400, 'invalid_param' ) ) as $case ) {
			$limited = $mapper->from_response( $this->json( $case[0], $case[1], 'Too many requests. Please try again later.', array( 'Retry-After' => '9' ) ) );
			$this->assertSame( Error_Mapper::RATE_LIMITED, $limited->get_error_code(), implode( ' ', $case ) );
			$this->assertSame( 9, $limited->get_error_data()['retry_after'], implode( ' ', $case ) );
		}

		$none = $mapper->from_response( $this->json( 400, 'invalid_param', 'Too many requests. Please try again later.' ) );
		$this->assertArrayNotHasKey( 'retry_after', $none->get_error_data() );
		$this->assertArrayNotHasKey( 'Retry-After', $mapper->to_response( $none )->get_headers() );
	}

	/**
	 * @dataProvider transport_errors
	 */
	public function test_transport_errors( string $message, string $expected_code, int $expected_status ): void {
		$error = ( new Error_Mapper() )->from_transport( new WP_Error( 'http_request_failed', $message ) );
		$this->assertMapped( $error, $expected_code, $expected_status );
		$this->assertStringNotContainsString( 'cURL', $error->get_error_message() );
	}

	public function transport_errors(): array {
		return array(
			'dns'          => array( 'cURL error 6: Could not resolve host: dify.invalid', Error_Mapper::UNREACHABLE, 503 ),
			'refused'      => array( 'cURL error 7: Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn\'t connect to server', Error_Mapper::UNREACHABLE, 503 ),
			'timeout'      => array( 'cURL error 28: Operation timed out after 5001 milliseconds with 0 bytes received', Error_Mapper::TIMEOUT, 504 ),
			'idle timeout' => array( 'cURL error 28: Operation too slow. Less than 1 bytes/sec transferred the last 60 seconds', Error_Mapper::TIMEOUT, 504 ),
			'tls verify'   => array( 'cURL error 60: SSL certificate problem: self-signed certificate', Error_Mapper::UNREACHABLE, 503 ),
			'tls connect'  => array( 'cURL error 35: OpenSSL SSL_connect: SSL_ERROR_SYSCALL', Error_Mapper::UNREACHABLE, 503 ),
			'bad url'      => array( 'A valid URL was not provided.', Error_Mapper::NOT_CONFIGURED, 503 ),
			'reset'        => array( 'cURL error 56: Recv failure: Connection reset by peer', Error_Mapper::UNREACHABLE, 503 ),
		);
	}

	public function test_requests_blocked_by_wordpress(): void {
		$error = new WP_Error( 'http_request_not_executed', 'User has blocked requests through HTTP.' );
		$this->assertMapped( ( new Error_Mapper() )->from_transport( $error ), Error_Mapper::NOT_CONFIGURED, 503 );
	}

	public function test_stream_error_event_in_difys_shape(): void {
		$mapper = new Error_Mapper();
		$event  = $mapper->to_event(
			$mapper->from_dify( 400, 'completion_request_error', '[openai] Rate Limit Error' ),
			array(
				'conversation_id' => 'c1',
				'message_id'      => 'm1',
				'created_at'      => 1717000000,
				'task_id'         => 't1',
			)
		);
		$this->assertSame(
			array(
				'event'           => 'error',
				'conversation_id' => 'c1',
				'message_id'      => 'm1',
				'created_at'      => 1717000000,
				'code'            => Error_Mapper::ANSWER_FAILED,
				'status'          => 502,
				'message'         => 'The assistant could not answer this time. Please try again.',
			),
			$event
		);

		$limited = $mapper->to_event( $mapper->from_response( $this->json( 429, 'rate_limit_error', 'x', array( 'Retry-After' => '30' ) ) ) );
		$this->assertSame( 30, $limited['retry_after'] );
		$this->assertSame( 429, $limited['status'] );
	}

	public function test_messages_are_translated(): void {
		$filter = static function ( $translation, $text, $domain ) {
			return 'dify-chatbot' === $domain && 'The chat is not available right now.' === $text ? 'Le chat n’est pas disponible pour le moment.' : $translation;
		};
		add_filter( 'gettext', $filter, 10, 3 );
		try {
			$this->assertSame( 'Le chat n’est pas disponible pour le moment.', ( new Error_Mapper() )->not_configured()->get_error_message() );
		} finally {
			remove_filter( 'gettext', $filter, 10 );
		}
	}

	/**
	 * @dataProvider failures_by_call
	 */
	public function test_what_a_failure_means_depends_on_the_call( Response $response, string $about, string $expected_code, int $expected_status ): void {
		$this->assertMapped( ( new Error_Mapper() )->from_response( $response, $about ), $expected_code, $expected_status );
	}

	public function failures_by_call(): array {
		return array(
			'history 404'                => array( $this->json( 404, 'not_found', 'Conversation Not Exists.' ), Error_Mapper::ABOUT_CONVERSATION, Error_Mapper::CONVERSATION_NOT_FOUND, 404 ),
			'history 404 without code'   => array( new Response( 404, 'application/json', array(), '{"message":"gone"}' ), Error_Mapper::ABOUT_CONVERSATION, Error_Mapper::CONVERSATION_NOT_FOUND, 404 ),
			'history html 404'           => array( $this->html( 404 ), Error_Mapper::ABOUT_CONVERSATION, Error_Mapper::NOT_CONFIGURED, 503 ),
			'message 404'                => array( $this->json( 404, 'not_found', 'Message Not Exists.' ), Error_Mapper::ABOUT_MESSAGE, Error_Mapper::MESSAGE_NOT_FOUND, 404 ),
			'message 404 for an answer'  => array( $this->json( 404, 'not_found', 'Message Not Exists.' ), Error_Mapper::ABOUT_ANSWER, Error_Mapper::CONVERSATION_NOT_FOUND, 404 ),
			'upload 413'                 => array( $this->json( 413, 'file_too_large', 'File size exceeded.' ), Error_Mapper::ABOUT_UPLOAD, Media_Errors::FILE_TOO_LARGE, 413 ),
			'upload proxy 413'           => array( $this->html( 413 ), Error_Mapper::ABOUT_UPLOAD, Media_Errors::FILE_TOO_LARGE, 413 ),
			'upload 415'                 => array( $this->json( 415, 'unsupported_file_type', 'File type not allowed.' ), Error_Mapper::ABOUT_UPLOAD, Error_Mapper::UNSUPPORTED_FILE, 415 ),
			'upload bad name'            => array( $this->json( 400, 'invalid_param', 'Filename contains invalid characters' ), Error_Mapper::ABOUT_UPLOAD, Error_Mapper::UNSUPPORTED_FILE, 400 ),
			'upload 401'                 => array( $this->json( 401, 'unauthorized', 'Access token is invalid' ), Error_Mapper::ABOUT_UPLOAD, Error_Mapper::NOT_CONFIGURED, 503 ),
			'voice switched off'         => array( $this->json( 400, 'invalid_param', 'Speech to text is not enabled' ), Error_Mapper::ABOUT_VOICE, Media_Errors::VOICE_DISABLED, 403 ),
			'voice too long'             => array( $this->json( 413, 'audio_too_large', 'Audio size larger than 30 mb' ), Error_Mapper::ABOUT_VOICE, Media_Errors::FILE_TOO_LARGE, 413 ),
			'voice format'               => array( $this->json( 415, 'unsupported_audio_type', 'Audio type not allowed.' ), Error_Mapper::ABOUT_VOICE, Media_Errors::UNSUPPORTED_AUDIO, 415 ),
			'voice without a model'      => array( $this->json( 400, 'provider_not_support_speech_to_text', 'Provider not support speech to text.' ), Error_Mapper::ABOUT_VOICE, Error_Mapper::UNAVAILABLE, 503 ),
			'voice other invalid_param'  => array( $this->json( 400, 'invalid_param', 'Text is required' ), Error_Mapper::ABOUT_VOICE, Error_Mapper::INVALID_INPUT, 400 ),
			'invalid_param of an answer' => array( $this->json( 400, 'invalid_param', 'Speech to text is not enabled' ), Error_Mapper::ABOUT_ANSWER, Error_Mapper::INVALID_INPUT, 400 ),
			'voice disabled (1.16)'      => array( $this->json( 400, 'speech_to_text_disabled', 'Speech to text is disabled.' ), Error_Mapper::ABOUT_VOICE, Media_Errors::VOICE_DISABLED, 403 ),
			'voice disabled, any call'   => array( $this->json( 400, 'speech_to_text_disabled', 'Speech to text is disabled.' ), Error_Mapper::ABOUT_ANSWER, Media_Errors::VOICE_DISABLED, 403 ),
			'form not found'             => array( $this->json( 404, 'not_found', 'Form not found' ), Error_Mapper::ABOUT_FORM, Error_Mapper::FORM_NOT_FOUND, 404 ),
			'run not found'              => array( $this->json( 404, 'not_found', 'Workflow run not found.' ), Error_Mapper::ABOUT_FORM, Error_Mapper::FORM_NOT_FOUND, 404 ),
			'form not for the API'       => array( $this->json( 400, 'bad_request', 'Form not found' ), Error_Mapper::ABOUT_FORM, Error_Mapper::FORM_NOT_FOUND, 404 ),
			'form file of another user'  => array( $this->json( 400, 'invalid_param', 'Invalid upload file' ), Error_Mapper::ABOUT_FORM, Error_Mapper::INVALID_FORM, 400 ),
			'form submitted (412)'       => array( $this->json( 412, 'human_input_form_submitted', 'This form has already been submitted' ), Error_Mapper::ABOUT_FORM, Error_Mapper::FORM_SUBMITTED, 409 ),
			'form expired (412)'         => array( $this->json( 412, 'human_input_form_expired', 'This form has expired' ), Error_Mapper::ABOUT_FORM, Error_Mapper::FORM_EXPIRED, 410 ),
		);
	}

	public function test_json_is_the_body_of_a_success_or_the_mapped_failure(): void {
		$mapper = new Error_Mapper();
		$this->assertSame( array( 'id' => 'x' ), $mapper->json( new Response( 201, 'application/json', array(), '{"id":"x"}' ), Error_Mapper::ABOUT_UPLOAD ) );
		$this->assertSame( array( 'result' => 'success' ), $mapper->json( new Response( 200, 'application/json', array(), '{"result":"success"}' ) ) );
		$this->assertMapped( $mapper->json( new Response( 200, 'text/html', array(), '<html>login</html>' ) ), Error_Mapper::BAD_RESPONSE, 502 );
		$this->assertMapped( $mapper->json( $this->json( 404, 'not_found', 'Message Not Exists.' ), Error_Mapper::ABOUT_MESSAGE ), Error_Mapper::MESSAGE_NOT_FOUND, 404 );
		$this->assertMapped( $mapper->json( new WP_Error( 'http_request_failed', 'cURL error 28: Operation timed out' ) ), Error_Mapper::TIMEOUT, 504 );
	}

	public function test_failure_is_null_for_any_success(): void {
		$mapper = new Error_Mapper();
		$this->assertNull( $mapper->failure( new Response( 204, '', array(), '' ) ) );
		$this->assertNull( $mapper->failure( new Response( 200, 'audio/mpeg', array(), "\xFF\xFB" ) ) );
		$this->assertMapped( $mapper->failure( $this->json( 400, 'invalid_param', 'TTS is not enabled' ), Error_Mapper::ABOUT_VOICE ), Media_Errors::VOICE_DISABLED, 403 );
		$this->assertMapped( $mapper->failure( new WP_Error( 'http_request_failed', 'cURL error 7: refused' ) ), Error_Mapper::UNREACHABLE, 503 );
	}

	public function test_a_file_that_cannot_be_read_here_is_a_file_error_not_an_unreachable_dify(): void {
		$result = ( new Client( 'http://127.0.0.1:1/v1', 'app-x' ) )->upload( 'visitor-x', '/nonexistent/photo.png', 'photo.png', 'image/png' );
		$error  = ( new Error_Mapper() )->from_transport( $result );
		$this->assertMapped( $error, Media_Errors::UNREADABLE_FILE, 400, 'This file could not be read. Please choose it again.' );
	}
}
