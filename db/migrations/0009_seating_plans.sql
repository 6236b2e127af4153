CREATE TABLE `seating_plans` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dinner_id` integer NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`seed` integer DEFAULT 1 NOT NULL,
	`problem` text NOT NULL,
	`plan` text NOT NULL,
	`created_by_user_id` integer,
	`locked_by_user_id` integer,
	`locked_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`dinner_id`) REFERENCES `dinners`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`locked_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "seating_plans_status_known" CHECK("seating_plans"."status" in ('draft', 'locked'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `seating_plans_dinner_uq` ON `seating_plans` (`dinner_id`);--> statement-breakpoint
CREATE TABLE `table_seats` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dinner_id` integer NOT NULL,
	`venue_table_id` integer NOT NULL,
	`resident_id` integer,
	`rsvp_id` integer,
	`people` integer DEFAULT 1 NOT NULL,
	`plan_version` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`dinner_id`) REFERENCES `dinners`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`venue_table_id`) REFERENCES `venue_tables`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`resident_id`) REFERENCES `residents`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`rsvp_id`) REFERENCES `rsvps`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "table_seats_people_range" CHECK("table_seats"."people" between 1 and 20)
);
--> statement-breakpoint
CREATE INDEX `table_seats_dinner_table_idx` ON `table_seats` (`dinner_id`,`venue_table_id`);--> statement-breakpoint
CREATE INDEX `table_seats_resident_idx` ON `table_seats` (`resident_id`);