CREATE TABLE `home_registrations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`round_id` integer NOT NULL,
	`resident_id` integer NOT NULL,
	`role` text NOT NULL,
	`people` integer DEFAULT 1 NOT NULL,
	`seats` integer DEFAULT 0 NOT NULL,
	`diets` text DEFAULT '[]' NOT NULL,
	`postcode` text DEFAULT '' NOT NULL,
	`lat` real,
	`lon` real,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`round_id`) REFERENCES `home_rounds`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`resident_id`) REFERENCES `residents`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "home_registrations_role_known" CHECK("home_registrations"."role" in ('host', 'guest')),
	CONSTRAINT "home_registrations_people_range" CHECK("home_registrations"."people" between 1 and 20 and "home_registrations"."seats" between 0 and 20)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `home_registrations_round_resident_uq` ON `home_registrations` (`round_id`,`resident_id`);--> statement-breakpoint
CREATE INDEX `home_registrations_resident_idx` ON `home_registrations` (`resident_id`);--> statement-breakpoint
CREATE TABLE `home_rounds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dinner_id` integer NOT NULL,
	`max_distance_km` real DEFAULT 3 NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`problem` text,
	`proposal` text,
	`created_by_user_id` integer,
	`confirmed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`dinner_id`) REFERENCES `dinners`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "home_rounds_status_known" CHECK("home_rounds"."status" in ('open', 'proposed', 'confirmed')),
	CONSTRAINT "home_rounds_distance_range" CHECK("home_rounds"."max_distance_km" > 0 and "home_rounds"."max_distance_km" <= 100)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `home_rounds_dinner_uq` ON `home_rounds` (`dinner_id`);