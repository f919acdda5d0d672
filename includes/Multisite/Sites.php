<?php
/**
 * What each site of a network needs, on the sites a network gains and loses.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Multisite;

use Dify_Chatbot\Registrable;
use Dify_Chatbot\Security\Counter_Store;
use WP_Site;

/**
 * Each site of a network has its own counters table (`{site prefix}dify_chatbot_counters`) and
 * its own options. Network activation does not visit the sites (a large network would not fit in
 * one request): each site creates its table on its own first request, on `init`
 * (Counter_Store::maybe_install, which compares the site's own schema version option). A site
 * created later while the plugin is active for the whole network gets its table at once, and a
 * deleted site's table is dropped with the site's own tables.
 */
final class Sites implements Registrable {

	/**
	 * The plugin's file, relative to the plugins folder.
	 *
	 * @var string
	 */
	private string $plugin;

	/**
	 * Keeps the plugin's basename.
	 *
	 * @param string $plugin The plugin's file relative to the plugins folder.
	 */
	public function __construct( string $plugin ) {
		$this->plugin = $plugin;
	}

	/**
	 * Adds the hooks.
	 */
	public function register(): void {
		// After core's own wp_initialize_site (priority 10), which creates the site's tables.
		add_action( 'wp_initialize_site', array( $this, 'initialize' ), 100 );
		add_filter( 'wpmu_drop_tables', array( $this, 'drop_tables' ), 10, 2 );
	}

	/**
	 * Creates a new site's table when the plugin is active for the whole network (activated on
	 * one site only, it is not active on a new site).
	 *
	 * @param WP_Site $site The new site.
	 */
	public function initialize( WP_Site $site ): void {
		if ( ! $this->network_active() ) {
			return;
		}
		switch_to_blog( (int) $site->blog_id );
		( new Counter_Store() )->maybe_install();
		restore_current_blog();
	}

	/**
	 * Adds the site's counters table to the tables WordPress drops with a deleted site.
	 *
	 * @param mixed $tables  The tables to drop.
	 * @param mixed $site_id The site being deleted.
	 * @return mixed
	 */
	public function drop_tables( $tables, $site_id = 0 ) {
		global $wpdb;
		if ( ! is_array( $tables ) || ! is_numeric( $site_id ) ) {
			return $tables;
		}
		$tables[] = $wpdb->get_blog_prefix( (int) $site_id ) . Counter_Store::TABLE;
		return $tables;
	}

	/**
	 * Whether the plugin is active for the whole network.
	 */
	private function network_active(): bool {
		$active = get_site_option( 'active_sitewide_plugins', array() );
		return is_array( $active ) && isset( $active[ $this->plugin ] );
	}
}
