DROP INDEX `rsvps_dinner_status_idx`;--> statement-breakpoint
CREATE INDEX `rsvps_dinner_status_people_idx` ON `rsvps` (`dinner_id`,`status`,`people`);