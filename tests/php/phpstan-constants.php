<?php
/**
 * Constants the plugin's main file defines at run time, declared for PHPStan.
 *
 * @package Dify_Chatbot
 */

define( 'DIFY_CHATBOT_VERSION', '0.1.0' );
define( 'DIFY_CHATBOT_FILE', dirname( __DIR__, 2 ) . '/dify-chatbot.php' );
define( 'DIFY_CHATBOT_DIR', dirname( __DIR__, 2 ) );
define( 'ABSPATH', '/' ); // WordPress's root, defined by wp-load.php.
