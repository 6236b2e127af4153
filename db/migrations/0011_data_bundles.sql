CREATE TABLE `data_bundles` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`resident_id` integer NOT NULL,
	`cookie_hash` text NOT NULL,
	`content` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`resident_id`) REFERENCES `residents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `data_bundles_cookieHash_unique` ON `data_bundles` (`cookie_hash`);--> statement-breakpoint
CREATE INDEX `data_bundles_resident_idx` ON `data_bundles` (`resident_id`);--> statement-breakpoint
CREATE INDEX `data_bundles_expires_idx` ON `data_bundles` (`expires_at`);