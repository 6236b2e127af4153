ALTER TABLE `outbox` ADD `locals` text;--> statement-breakpoint
CREATE INDEX `outbox_uncomposed_idx` ON `outbox` (`id`) WHERE "outbox"."locals" is not null;