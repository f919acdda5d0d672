<?php
/**
 * One front-end request to a site of the test network in a fresh PHP process: loads WordPress
 * for the path given (ms-settings.php picks the site from it) as a visit would, which runs
 * plugins_loaded and init, and prints `site:` and the id of the site that answered.
 *
 * Usage: WP_TESTS_MULTISITE=1 php site-request.php /path/
 *
 * @package Dify_Chatbot
 */

require __DIR__ . '/../wp-tests-config.php';
$_SERVER['REQUEST_URI'] = $argv[1];
require ABSPATH . 'wp-settings.php';

// Marked: WordPress may print its own deprecation notices before (WP_DEBUG is on).
echo 'site:', (int) get_current_blog_id(), "\n";
