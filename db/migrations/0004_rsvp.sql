CREATE TABLE `join_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dinner_id` integer NOT NULL,
	`email` text NOT NULL,
	`payload` text NOT NULL,
	`token_hash` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`dinner_id`) REFERENCES `dinners`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `join_requests_tokenHash_unique` ON `join_requests` (`token_hash`);--> statement-breakpoint
CREATE INDEX `join_requests_email_idx` ON `join_requests` (`email`);--> statement-breakpoint
CREATE TABLE `rsvp_links` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`resident_id` integer NOT NULL,
	`dinner_id` integer NOT NULL,
	`token_hash` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`resident_id`) REFERENCES `residents`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`dinner_id`) REFERENCES `dinners`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rsvp_links_tokenHash_unique` ON `rsvp_links` (`token_hash`);--> statement-breakpoint
CREATE INDEX `rsvp_links_resident_dinner_idx` ON `rsvp_links` (`resident_id`,`dinner_id`);--> statement-breakpoint
CREATE TABLE `rsvp_submissions` (
	`key` text PRIMARY KEY NOT NULL,
	`rsvp_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`rsvp_id`) REFERENCES `rsvps`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `rsvps` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dinner_id` integer NOT NULL,
	`resident_id` integer,
	`walk_in_name` text,
	`people` integer DEFAULT 0 NOT NULL,
	`status` text NOT NULL,
	`wait_seq` integer,
	`source` text NOT NULL,
	`answered_by_user_id` integer,
	`invited_at` integer,
	`answered_at` integer,
	`confirmed_at` integer,
	`check_in` text,
	`check_in_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`dinner_id`) REFERENCES `dinners`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`resident_id`) REFERENCES `residents`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`answered_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "rsvps_people_range" CHECK("rsvps"."people" between 0 and 20),
	CONSTRAINT "rsvps_status_known" CHECK("rsvps"."status" in ('invited', 'confirmed', 'waiting', 'declined', 'cancelled')),
	CONSTRAINT "rsvps_seated_people" CHECK("rsvps"."status" not in ('confirmed', 'waiting') or "rsvps"."people" >= 1),
	CONSTRAINT "rsvps_wait_seq" CHECK(("rsvps"."status" = 'waiting') = ("rsvps"."wait_seq" is not null))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rsvps_dinner_resident_uq` ON `rsvps` (`dinner_id`,`resident_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `rsvps_dinner_wait_uq` ON `rsvps` (`dinner_id`,`wait_seq`);--> statement-breakpoint
CREATE INDEX `rsvps_dinner_status_idx` ON `rsvps` (`dinner_id`,`status`);--> statement-breakpoint
CREATE INDEX `rsvps_resident_idx` ON `rsvps` (`resident_id`);