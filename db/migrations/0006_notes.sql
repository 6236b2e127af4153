CREATE TABLE `dinner_reports` (
	`dinner_id` integer PRIMARY KEY NOT NULL,
	`guest_count` integer,
	`summary` text DEFAULT '' NOT NULL,
	`completed_by_user_id` integer,
	`completed_at` integer NOT NULL,
	FOREIGN KEY (`dinner_id`) REFERENCES `dinners`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`completed_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "dinner_reports_guest_count" CHECK("dinner_reports"."guest_count" is null or "dinner_reports"."guest_count" between 0 and 5000)
);
--> statement-breakpoint
CREATE TABLE `hear_back_consents` (
	`dinner_id` integer NOT NULL,
	`resident_id` integer NOT NULL,
	`given_at` integer NOT NULL,
	`withdrawn_at` integer,
	PRIMARY KEY(`dinner_id`, `resident_id`),
	FOREIGN KEY (`dinner_id`) REFERENCES `dinners`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`resident_id`) REFERENCES `residents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `idea_status_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`note_id` integer NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	`public_answer` text DEFAULT '' NOT NULL,
	`changed_by_user_id` integer,
	`changed_at` integer NOT NULL,
	FOREIGN KEY (`note_id`) REFERENCES `notes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`changed_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `idea_status_changes_note_idx` ON `idea_status_changes` (`note_id`,`changed_at`);--> statement-breakpoint
CREATE TABLE `note_links` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dinner_id` integer NOT NULL,
	`resident_id` integer NOT NULL,
	`token_hash` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`dinner_id`) REFERENCES `dinners`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`resident_id`) REFERENCES `residents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `note_links_tokenHash_unique` ON `note_links` (`token_hash`);--> statement-breakpoint
CREATE INDEX `note_links_resident_dinner_idx` ON `note_links` (`resident_id`,`dinner_id`);--> statement-breakpoint
CREATE TABLE `note_theme_links` (
	`note_id` integer NOT NULL,
	`theme_id` integer NOT NULL,
	PRIMARY KEY(`note_id`, `theme_id`),
	FOREIGN KEY (`note_id`) REFERENCES `notes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`theme_id`) REFERENCES `note_themes`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `note_theme_links_theme_idx` ON `note_theme_links` (`theme_id`,`note_id`);--> statement-breakpoint
CREATE TABLE `note_themes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`label` text NOT NULL,
	`label_en` text DEFAULT '' NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`archived_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "note_themes_code_shape" CHECK("note_themes"."code" glob '[a-z]*' and length("note_themes"."code") <= 40)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `note_themes_code_unique` ON `note_themes` (`code`);--> statement-breakpoint
CREATE TABLE `notes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dinner_id` integer NOT NULL,
	`venue_table_id` integer,
	`kind` text NOT NULL,
	`body` text NOT NULL,
	`location_kind` text DEFAULT 'neighbourhood' NOT NULL,
	`location_name` text DEFAULT '' NOT NULL,
	`neighbourhood` text NOT NULL,
	`quote` text DEFAULT '' NOT NULL,
	`quote_consent` integer DEFAULT false NOT NULL,
	`resident_id` integer,
	`name_consent` integer DEFAULT false NOT NULL,
	`source` text DEFAULT 'staff' NOT NULL,
	`recorded_by_user_id` integer,
	`status` text,
	`status_reason` text DEFAULT '' NOT NULL,
	`owner_user_id` integer,
	`review_on` text,
	`internal_notes` text DEFAULT '' NOT NULL,
	`public_answer` text DEFAULT '' NOT NULL,
	`is_public` integer DEFAULT false NOT NULL,
	`status_changed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`dinner_id`) REFERENCES `dinners`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`venue_table_id`) REFERENCES `venue_tables`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`resident_id`) REFERENCES `residents`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`recorded_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`owner_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "notes_kind_known" CHECK("notes"."kind" in ('story', 'idea', 'worry', 'wish')),
	CONSTRAINT "notes_location_known" CHECK("notes"."location_kind" in ('complex', 'street', 'neighbourhood')),
	CONSTRAINT "notes_body_length" CHECK(length(trim("notes"."body")) between 1 and 5000),
	CONSTRAINT "notes_status_only_ideas" CHECK(("notes"."kind" = 'idea') = ("notes"."status" is not null)),
	CONSTRAINT "notes_status_known" CHECK("notes"."status" is null or "notes"."status" in ('new', 'under_review', 'planned', 'in_progress', 'done', 'not_possible')),
	CONSTRAINT "notes_not_possible_reason" CHECK("notes"."status" is not 'not_possible' or length(trim("notes"."status_reason")) > 0),
	CONSTRAINT "notes_quote_consent" CHECK("notes"."quote" = '' or "notes"."quote_consent" = 1),
	CONSTRAINT "notes_name_consent" CHECK("notes"."resident_id" is null or "notes"."name_consent" = 1)
);
--> statement-breakpoint
CREATE INDEX `notes_created_idx` ON `notes` (`created_at`);--> statement-breakpoint
CREATE INDEX `notes_dinner_idx` ON `notes` (`dinner_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `notes_kind_created_idx` ON `notes` (`kind`,`created_at`);--> statement-breakpoint
CREATE INDEX `notes_status_created_idx` ON `notes` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `notes_neighbourhood_created_idx` ON `notes` (`neighbourhood`,`created_at`);--> statement-breakpoint
CREATE INDEX `notes_owner_idx` ON `notes` (`owner_user_id`);--> statement-breakpoint
CREATE INDEX `notes_resident_idx` ON `notes` (`resident_id`);--> statement-breakpoint
CREATE INDEX `notes_review_idx` ON `notes` (`review_on`);--> statement-breakpoint
CREATE TABLE `reference_figures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`neighbourhood` text NOT NULL,
	`dimension` text NOT NULL,
	`category` text NOT NULL,
	`percent` real NOT NULL,
	`source` text DEFAULT '' NOT NULL,
	`updated_by_user_id` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`updated_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "reference_figures_dimension_known" CHECK("reference_figures"."dimension" in ('background', 'age_group', 'street')),
	CONSTRAINT "reference_figures_percent_range" CHECK("reference_figures"."percent" between 0 and 100)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reference_figures_uq` ON `reference_figures` (`neighbourhood`,`dimension`,`category`);