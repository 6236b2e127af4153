CREATE TABLE `consents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`resident_id` integer NOT NULL,
	`purpose` text NOT NULL,
	`text_version` text NOT NULL,
	`wording` text NOT NULL,
	`locale` text NOT NULL,
	`channel` text NOT NULL,
	`recorded_by_user_id` integer,
	`given_at` integer NOT NULL,
	`withdrawn_at` integer,
	FOREIGN KEY (`resident_id`) REFERENCES `residents`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`recorded_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `consents_resident_idx` ON `consents` (`resident_id`,`purpose`);--> statement-breakpoint
CREATE TABLE `resident_list_members` (
	`list_id` integer NOT NULL,
	`resident_id` integer NOT NULL,
	PRIMARY KEY(`list_id`, `resident_id`),
	FOREIGN KEY (`list_id`) REFERENCES `resident_lists`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`resident_id`) REFERENCES `residents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `resident_list_members_resident_idx` ON `resident_list_members` (`resident_id`,`list_id`);--> statement-breakpoint
CREATE TABLE `resident_lists` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`created_by_user_id` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `resident_lists_name_unique` ON `resident_lists` (`name`);--> statement-breakpoint
CREATE TABLE `resident_sensitive` (
	`resident_id` integer PRIMARY KEY NOT NULL,
	`diets` text,
	`diet_other` text,
	`access` text,
	`access_other` text,
	`background` text,
	`background_text` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`resident_id`) REFERENCES `residents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `resident_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`resident_id` integer NOT NULL,
	`purpose` text NOT NULL,
	`token_hash` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`resident_id`) REFERENCES `residents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `resident_tokens_tokenHash_unique` ON `resident_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `resident_tokens_resident_idx` ON `resident_tokens` (`resident_id`);--> statement-breakpoint
CREATE TABLE `residents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`email` text,
	`phone` text,
	`locale` text DEFAULT 'nl' NOT NULL,
	`street` text DEFAULT '' NOT NULL,
	`house_number` text DEFAULT '' NOT NULL,
	`postcode` text DEFAULT '' NOT NULL,
	`complex` text DEFAULT '' NOT NULL,
	`neighbourhood` text DEFAULT '' NOT NULL,
	`adults` integer DEFAULT 1 NOT NULL,
	`children` integer DEFAULT 0 NOT NULL,
	`household_names` text DEFAULT '' NOT NULL,
	`languages` text DEFAULT '' NOT NULL,
	`source` text DEFAULT 'staff' NOT NULL,
	`keep_sensitive` integer DEFAULT false NOT NULL,
	`last_dinner_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "residents_household_ck" CHECK("residents"."adults" >= 0 AND "residents"."children" >= 0 AND "residents"."adults" + "residents"."children" BETWEEN 1 AND 20)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `residents_email_unique` ON `residents` (`email`);--> statement-breakpoint
CREATE UNIQUE INDEX `residents_phone_unique` ON `residents` (`phone`);--> statement-breakpoint
CREATE INDEX `residents_neighbourhood_idx` ON `residents` (`neighbourhood`);--> statement-breakpoint
CREATE INDEX `residents_complex_idx` ON `residents` (`complex`);--> statement-breakpoint
CREATE INDEX `residents_street_idx` ON `residents` (`street`);