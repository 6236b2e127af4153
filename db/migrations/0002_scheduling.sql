CREATE TABLE `dinner_series` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`pattern` text NOT NULL,
	`interval_weeks` integer DEFAULT 1 NOT NULL,
	`nth_week` integer,
	`weekday` integer NOT NULL,
	`first_date` text NOT NULL,
	`until_date` text,
	`occurrence_count` integer,
	`start_time` text NOT NULL,
	`duration_minutes` integer NOT NULL,
	`skipped_dates` text DEFAULT '[]' NOT NULL,
	`created_by_user_id` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "dinner_series_pattern_known" CHECK("dinner_series"."pattern" in ('weekly', 'monthly'))
);
--> statement-breakpoint
CREATE TABLE `dinners` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uid` text NOT NULL,
	`sequence` integer DEFAULT 0 NOT NULL,
	`venue_id` integer NOT NULL,
	`series_id` integer,
	`series_date` text,
	`detached` integer DEFAULT false NOT NULL,
	`title` text NOT NULL,
	`theme` text DEFAULT '' NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`local_date` text NOT NULL,
	`capacity` integer NOT NULL,
	`rsvp_deadline` integer NOT NULL,
	`min_table_size` integer DEFAULT 4 NOT NULL,
	`max_table_size` integer DEFAULT 8 NOT NULL,
	`menu` text DEFAULT '' NOT NULL,
	`diets` text DEFAULT '[]' NOT NULL,
	`languages` text DEFAULT '' NOT NULL,
	`host` text DEFAULT '' NOT NULL,
	`visibility` text DEFAULT 'public' NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`cancel_reason` text DEFAULT '' NOT NULL,
	`created_by_user_id` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`venue_id`) REFERENCES `venues`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`series_id`) REFERENCES `dinner_series`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "dinners_times_order" CHECK("dinners"."starts_at" < "dinners"."ends_at"),
	CONSTRAINT "dinners_capacity_range" CHECK("dinners"."capacity" between 1 and 5000),
	CONSTRAINT "dinners_table_sizes" CHECK("dinners"."min_table_size" >= 2 and "dinners"."min_table_size" <= "dinners"."max_table_size" and "dinners"."max_table_size" <= 30),
	CONSTRAINT "dinners_status_known" CHECK("dinners"."status" in ('draft', 'published', 'cancelled', 'completed')),
	CONSTRAINT "dinners_visibility_known" CHECK("dinners"."visibility" in ('public', 'invitation'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dinners_uid_unique` ON `dinners` (`uid`);--> statement-breakpoint
CREATE INDEX `dinners_starts_idx` ON `dinners` (`starts_at`);--> statement-breakpoint
CREATE INDEX `dinners_venue_starts_idx` ON `dinners` (`venue_id`,`starts_at`);--> statement-breakpoint
CREATE INDEX `dinners_public_idx` ON `dinners` (`visibility`,`status`,`starts_at`);--> statement-breakpoint
CREATE INDEX `dinners_series_idx` ON `dinners` (`series_id`,`series_date`);--> statement-breakpoint
CREATE UNIQUE INDEX `dinners_series_date_uq` ON `dinners` (`series_id`,`series_date`);--> statement-breakpoint
CREATE TABLE `venue_closures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`venue_id` integer NOT NULL,
	`starts_on` text NOT NULL,
	`ends_on` text NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`venue_id`) REFERENCES `venues`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "venue_closures_order" CHECK("venue_closures"."starts_on" <= "venue_closures"."ends_on")
);
--> statement-breakpoint
CREATE INDEX `venue_closures_venue_idx` ON `venue_closures` (`venue_id`,`starts_on`);--> statement-breakpoint
CREATE TABLE `venue_opening_hours` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`venue_id` integer NOT NULL,
	`weekday` integer NOT NULL,
	`opens_at` text NOT NULL,
	`closes_at` text NOT NULL,
	FOREIGN KEY (`venue_id`) REFERENCES `venues`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "venue_opening_hours_weekday_range" CHECK("venue_opening_hours"."weekday" between 1 and 7),
	CONSTRAINT "venue_opening_hours_order" CHECK("venue_opening_hours"."opens_at" < "venue_opening_hours"."closes_at")
);
--> statement-breakpoint
CREATE INDEX `venue_opening_hours_venue_idx` ON `venue_opening_hours` (`venue_id`,`weekday`);--> statement-breakpoint
CREATE TABLE `venue_tables` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`venue_id` integer NOT NULL,
	`label` text NOT NULL,
	`seats` integer NOT NULL,
	`accessible` integer DEFAULT false NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`venue_id`) REFERENCES `venues`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "venue_tables_seats_range" CHECK("venue_tables"."seats" between 1 and 100)
);
--> statement-breakpoint
CREATE INDEX `venue_tables_venue_idx` ON `venue_tables` (`venue_id`);--> statement-breakpoint
CREATE TABLE `venues` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`address` text NOT NULL,
	`postcode` text NOT NULL,
	`city` text DEFAULT '' NOT NULL,
	`neighbourhood` text NOT NULL,
	`contact_name` text DEFAULT '' NOT NULL,
	`contact_phone` text DEFAULT '' NOT NULL,
	`contact_email` text DEFAULT '' NOT NULL,
	`capacity` integer NOT NULL,
	`kitchen` text DEFAULT 'none' NOT NULL,
	`step_free` integer DEFAULT false NOT NULL,
	`accessible_toilet` integer DEFAULT false NOT NULL,
	`hearing_loop` integer DEFAULT false NOT NULL,
	`parking` integer DEFAULT false NOT NULL,
	`setup_minutes` integer DEFAULT 0 NOT NULL,
	`cleanup_minutes` integer DEFAULT 0 NOT NULL,
	`notes` text DEFAULT '' NOT NULL,
	`archived_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "venues_capacity_range" CHECK("venues"."capacity" between 1 and 5000),
	CONSTRAINT "venues_kitchen_known" CHECK("venues"."kitchen" in ('none', 'warming', 'full')),
	CONSTRAINT "venues_margins_range" CHECK("venues"."setup_minutes" between 0 and 600 and "venues"."cleanup_minutes" between 0 and 600)
);
--> statement-breakpoint
CREATE INDEX `venues_neighbourhood_idx` ON `venues` (`neighbourhood`);