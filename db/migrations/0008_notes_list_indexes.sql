DROP INDEX `notes_created_idx`;--> statement-breakpoint
DROP INDEX `notes_kind_created_idx`;--> statement-breakpoint
DROP INDEX `notes_status_created_idx`;--> statement-breakpoint
DROP INDEX `notes_neighbourhood_created_idx`;--> statement-breakpoint
CREATE INDEX `notes_kind_idx` ON `notes` (`kind`);--> statement-breakpoint
CREATE INDEX `notes_status_idx` ON `notes` (`status`);--> statement-breakpoint
CREATE INDEX `notes_neighbourhood_kind_idx` ON `notes` (`neighbourhood`,`kind`);--> statement-breakpoint
CREATE INDEX `notes_neighbourhood_status_idx` ON `notes` (`neighbourhood`,`status`);